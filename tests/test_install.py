from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The installed addon: its root menu and what it opens."""

    def test_root_menu_opens_an_action(self):
        root = self.env.ref("expat_service_desk.menu_expat_root")
        self.assertEqual(root.name, "Expat Service Desk")
        self.assertFalse(root.parent_id)
        manager = new_test_user(
            self.env,
            login="esd_install_manager",
            groups="base.group_user,expat_service_desk.group_expat_desk_manager",
        )
        menus = self.env["ir.ui.menu"].with_user(manager).load_menus(debug=False)
        self.assertIn(root.id, menus["root"]["children"])
        # The web client opens the first action found below the root menu.
        entry = menus[root.id]
        stack = [entry]
        item = {}
        while stack and not item.get("action_id"):
            item = stack.pop(0)
            stack.extend(menus[child] for child in item["children"])
        self.assertTrue(item.get("action_id"), "no menu below the root opens an action")
        action = self.env[item["action_model"]].browse(item["action_id"])
        self.assertTrue(action.exists())
        # The action's model and views load for the manager.
        views = (
            self.env[action.res_model]
            .with_user(manager)
            .get_views([(False, "list"), (False, "form"), (False, "search")])
        )
        self.assertEqual(set(views["views"]), {"list", "form", "search"})

    def test_root_menu_hidden_from_internal_users_without_desk_group(self):
        root = self.env.ref("expat_service_desk.menu_expat_root")
        employee = new_test_user(
            self.env, login="esd_install_employee", groups="base.group_user"
        )
        menus = self.env["ir.ui.menu"].with_user(employee).load_menus(debug=False)
        self.assertNotIn(root.id, menus["root"]["children"])

    def test_seeded_topics(self):
        residence = self.env.ref("expat_service_desk.expat_topic_residence")
        blue_card = self.env.ref("expat_service_desk.expat_topic_blue_card")
        self.assertEqual(residence.code, "residence")
        self.assertEqual(blue_card.parent_id, residence)
        self.assertEqual(
            len(self.env["expat.topic"].search([("code", "!=", False)])), 16
        )

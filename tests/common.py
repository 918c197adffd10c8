from odoo.tests import TransactionCase, new_test_user
from odoo.tools import SQL

ADVISOR = "base.group_user,expat_service_desk.group_expat_desk_user"
MANAGER = "base.group_user,expat_service_desk.group_expat_desk_manager"
REPORTING = "base.group_user,expat_service_desk.group_expat_desk_reporting"


class ExpatDeskCase(TransactionCase):
    """Two partner organisations with an advisor each, a manager, contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.org_a = env["res.company"].create({"name": "Test Org A"})
        cls.org_b = env["res.company"].create({"name": "Test Org B"})
        cls.advisor_a = new_test_user(
            env,
            login="esd_advisor_a",
            name="Advisor A",
            groups=ADVISOR,
            company_id=cls.org_a.id,
            company_ids=[cls.org_a.id],
        )
        cls.advisor_b = new_test_user(
            env,
            login="esd_advisor_b",
            name="Advisor B",
            groups=ADVISOR,
            company_id=cls.org_b.id,
            company_ids=[cls.org_b.id],
        )
        cls.manager = new_test_user(
            env,
            login="esd_manager",
            name="Desk Manager",
            groups=MANAGER,
            company_id=cls.org_a.id,
            company_ids=[cls.org_a.id, cls.org_b.id],
        )
        cls.reporting = new_test_user(
            env,
            login="esd_reporting",
            name="Reporting User",
            groups=REPORTING,
            company_id=cls.org_a.id,
            company_ids=[cls.org_a.id],
        )
        cls.stage_new = env.ref("expat_service_desk.expat_stage_new")
        cls.stage_in_progress = env.ref("expat_service_desk.expat_stage_in_progress")
        cls.stage_waiting = env.ref("expat_service_desk.expat_stage_waiting")
        cls.stage_closed = env.ref("expat_service_desk.expat_stage_closed")
        cls.topic_blue_card = env.ref("expat_service_desk.expat_topic_blue_card")
        cls.topic_recruiting = env.ref("expat_service_desk.expat_topic_recruiting")
        cls.ratingen = env.ref("expat_service_desk.expat_municipality_ratingen")
        cls.employer = env["res.partner"].create(
            {
                "name": "Rheinblick Robotics GmbH",
                "is_company": True,
                "municipality_id": cls.ratingen.id,
                "company_size": "50_249",
                "ihk_member": True,
            }
        )
        cls.person = env["res.partner"].create(
            {
                "name": "Priya Raman",
                "email": "priya.raman@example.com",
                "parent_id": cls.employer.id,
                "municipality_id": cls.ratingen.id,
                "country_id": env.ref("base.de").id,
            }
        )

    @classmethod
    def _create_case(cls, user=None, **vals):
        user = user or cls.advisor_a
        values = {"person_id": cls.person.id, "company_id": user.company_id.id}
        values.update(vals)
        return cls.env["expat.case"].with_user(user).create(values)

    @classmethod
    def _create_company_contact(cls, user=None, **vals):
        user = user or cls.advisor_a
        values = {"partner_id": cls.employer.id, "company_id": user.company_id.id}
        values.update(vals)
        return cls.env["expat.company.contact"].with_user(user).create(values)

    def _flush_tracking(self):
        """Write pending tracking values, as a commit would. Changes made in
        the transaction that created a record are not tracked, so tests call
        this after creating a record and after changing it."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def _activities(self, record, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    # Columns the sweep for a person's traces does not read, and why: none of
    # them can hold what a person or an advisor typed or what an e-mail
    # brought in.
    TRACE_SWEEP_EXCLUDED = {
        # Source of views, templates and translations of the installed
        # modules: written by module installation only.
        ("ir_ui_view", "arch_db"),
        ("ir_ui_view", "arch_prev"),
        ("ir_ui_view", "arch_fs"),
        ("ir_asset", "path"),
        # Compiled web assets and module metadata.
        ("ir_module_module", "description_html"),
        ("ir_module_module", "description"),
    }

    def _columns_holding(self, *needles):
        """Every text, varchar and jsonb column of every table of the
        database that holds one of ``needles`` (case-insensitive), except
        ``TRACE_SWEEP_EXCLUDED``; one query per table.

        :return: sorted list of "table.column (rows)" strings
        """
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """
            SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.column_name)
              FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema()
               AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'jsonb')
             GROUP BY c.table_name
             ORDER BY c.table_name
            """
        )
        patterns = [
            "%" + needle.replace("%", r"\%").replace("_", r"\_") + "%"
            for needle in needles
        ]
        hits = []
        for table, columns in cr.fetchall():
            columns = [
                column
                for column in columns
                if (table, column) not in self.TRACE_SWEEP_EXCLUDED
            ]
            if not columns:
                continue
            cr.execute(
                SQL(
                    "SELECT %s FROM %s",
                    SQL(", ").join(
                        SQL(
                            "count(*) FILTER (WHERE %s::text ILIKE ANY(%s))",
                            SQL.identifier(column),
                            patterns,
                        )
                        for column in columns
                    ),
                    SQL.identifier(table),
                )
            )
            for column, count in zip(columns, cr.fetchone(), strict=True):
                if count:
                    hits.append(f"{table}.{column} ({count})")
        return hits

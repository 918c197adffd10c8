import logging

from odoo import api, models
from odoo.tools import email_normalize

from .expat_activity import reader_env
from .expat_groups import MANAGER_GROUP

_logger = logging.getLogger(__name__)

INTAKE_COMPANY_PARAM = "expat_service_desk.intake_company_id"
INTAKE_USER_PARAM = "expat_service_desk.intake_user_id"


class ExpatCaseIntake(models.AbstractModel):
    """Requests that open a case: the mail gateway's intake through the
    desk's alias (``message_new`` and the routing checks that drop automatic
    replies and loops) and the receiving organisation and user shared with
    the public request form. Mixed into ``expat.case``; it inherits
    ``mail.thread`` so that its overrides come before the thread's own (it
    relies on the case's ``person_id``, ``user_id``, ``request_lang`` and the
    acknowledgement of ``models/expat_case_acknowledgement.py``)."""

    _name = "expat.case.intake"
    _description = "Expat Case Intake"
    _inherit = ["mail.thread"]

    @api.model
    def _expat_intake_company(self):
        """The organisation that receives requests by e-mail and web form
        (Settings), else the main one."""
        param = self.env["ir.config_parameter"].sudo().get_param(INTAKE_COMPANY_PARAM)
        company = self.env["res.company"].sudo().browse(int(param or 0)).exists()
        return company or self.env.ref("base.main_company")

    @api.model
    def _expat_intake_user(self):
        """Who gets the to-do for a new request: the one set in Settings,
        else the first desk manager of the receiving organisation, else the
        administrator; never the public user a web request runs as."""
        users = self.env["res.users"].sudo()
        param = self.env["ir.config_parameter"].sudo().get_param(INTAKE_USER_PARAM)
        user = users.browse(int(param or 0)).exists()
        if user and user.active and not user.share:
            return user
        manager_group = self.env.ref(MANAGER_GROUP)
        return users.search(
            [
                ("all_group_ids", "in", manager_group.ids),
                ("company_ids", "in", self._expat_intake_company().ids),
                ("share", "=", False),
                ("id", "!=", self.env.ref("base.user_root").id),
            ],
            order="id",
            limit=1,
        ) or self.env.ref("base.user_admin")

    def _expat_schedule_intake_activity(self, summary):
        """A to-do for whoever handles new requests (the case's advisor,
        else :meth:`_expat_intake_user`).

        :param summary: the to-do's summary, or a function of an
            environment returning it: called in the language of the user who
            gets the to-do, so that they read it in their own language
        """
        intake_user = self._expat_intake_user()
        for case in self:
            user = case.user_id or intake_user
            text = summary(reader_env(self.env, user)) if callable(summary) else summary
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=text,
                user_id=user.id,
            )

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """Mail that must not open a case through the alias: automatic
        replies (``Auto-Submitted`` other than ``no``, RFC 3834 section 5,
        and the older ``X-Autoreply``/``X-Autorespond`` and ``Precedence:
        auto_reply``/``junk`` headers), and mail sent from one of this
        database's own addresses (an alias, or the catchall, bounce and
        default sender addresses of the alias domains), which would
        otherwise loop. Such mail is dropped with a log line, without a
        bounce (answering an automatic reply starts the loop again).
        Replies to an existing case are not concerned."""
        if route and route[0] == self._name and not route[1]:
            reason = self._expat_intake_refusal(message, message_dict)
            if reason:
                _logger.info(
                    "Expat desk: no case for mail from %s with Message-Id %s: %s",
                    message_dict.get("email_from"),
                    message_dict.get("message_id"),
                    reason,
                )
                return ()
        return super()._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )

    @api.model
    def _expat_intake_refusal(self, message, message_dict):
        """Why an incoming mail must not open a case, or ``""``."""
        auto_submitted = (message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and not auto_submitted.startswith("no"):
            return f"Auto-Submitted: {auto_submitted}"
        if message.get("X-Autoreply") or message.get("X-Autorespond"):
            return "automatic reply (X-Autoreply)"
        precedence = (message.get("Precedence") or "").strip().lower()
        if precedence in ("auto_reply", "junk"):
            return f"Precedence: {precedence}"
        sender = email_normalize(message_dict.get("email_from") or "")
        if sender and self._expat_is_own_address(sender):
            return "sent from one of this database's own addresses"
        return ""

    @api.model
    def _expat_is_own_address(self, address):
        """Whether this database sends from or receives at ``address``: one
        of its aliases, or the catchall, bounce or default sender address of
        one of its alias domains.

        :param address: a normalised e-mail address (``email_normalize``)
        :return: bool (two small queries: aliases by their full name, alias
            domains by the address's domain part)
        """
        env = self.sudo().env
        if env["mail.alias"].search_count(
            [("alias_full_name", "=ilike", address)], limit=1
        ):
            return True
        domain_part = address.rpartition("@")[2]
        alias_domains = env["mail.alias.domain"].search(
            [("name", "=ilike", domain_part)]
        )
        own = {
            *alias_domains.mapped("catchall_email"),
            *alias_domains.mapped("bounce_email"),
            *alias_domains.mapped("default_from_email"),
        }
        return address in {email_normalize(a) for a in own if a}

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An e-mail to the desk's alias: a new case in stage New for the
        sender, identified by ``res.partner._expat_find_or_create_person``
        from the display name and the address of ``From`` (a new person
        gets the bare address). The sender's contact is never changed."""
        email_from = (msg_dict.get("email_from") or "").strip()
        if "@" in email_from:
            name = ""  # the display name of the address, else the address
        else:
            name, email_from = email_from or self.env._("Unknown sender"), ""
        person = (
            self.env["res.partner"]
            .sudo()
            ._expat_find_or_create_person(name, email=email_from)
        )
        # The mail's author is the person, not whichever contact Odoo's
        # gateway found first for the address (a shared mailbox).
        msg_dict["author_id"] = person.id
        values = {
            "person_id": person.id,
            "channel": "email",
            "company_id": self._expat_intake_company().id,
            "user_id": False,
            "request_lang": self._expat_guess_lang(
                f"{msg_dict.get('subject') or ''}\n{msg_dict.get('body') or ''}"
            ),
            **(custom_values or {}),
        }
        # mail.thread.message_new copies ``email_from`` into the primary
        # e-mail field, here the person's own address: leave it out.
        msg_values = dict(msg_dict, email_from=False)
        case = super().message_new(msg_values, custom_values=values)
        subject = msg_dict.get("subject") or ""
        case._expat_schedule_intake_activity(
            lambda env: env._("New request by e-mail: %(subject)s", subject=subject)
        )
        case._expat_send_acknowledgement("auto-replied")
        return case

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .expat_groups import MANAGER_GROUP


class ExpatPrivacyRequest(models.AbstractModel):
    """A data subject's request handled by a desk Manager: who may handle it
    and what it may not touch (the checks), the Art. 15 GDPR access export
    written to the contact, and the refusals of an Art. 17 erasure. The
    inventory is ``expat.personal.data``, the erasure ``expat.anonymization``,
    the export document ``expat.data.export``; ``res.partner``'s
    ``action_expat_anonymize`` and ``action_expat_data_export`` call this."""

    _name = "expat.privacy.request"
    _description = "Data Subject Request"

    @api.model
    def _check_manager(self):
        """:raise AccessError: the user is not a desk Manager (superuser
        environments pass)"""
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._(
                    "Only Expat Service Desk managers may export or anonymise "
                    "personal data."
                )
            )

    @api.model
    def _check_cases_visible(self, partners):
        """The manager must be able to see every case of these persons.

        :param partners: ``res.partner`` recordset
        :return: every case of the persons (``expat.case``, superuser)
        :raise AccessError: one of them is hidden by the record rules
        """
        cases = self.env["expat.case"].sudo()._expat_personal_records(partners)
        visible = (
            self.env["expat.case"]
            .with_context(active_test=False)
            .search([("id", "in", cases.ids)])
        )
        hidden = cases - visible
        if hidden:
            raise AccessError(
                self.env._(
                    "%(person)s has cases you cannot see: select all the "
                    "organisations you work for, or ask a manager of the "
                    "others.",
                    person=hidden[0].sudo().person_id.display_name,
                )
            )
        return cases

    @api.model
    def _check_erasable(self, partners):
        """The checks of ``res.partner.action_expat_anonymize``.

        :param partners: ``res.partner`` recordset
        :raise AccessError: see :meth:`_check_manager` and
            :meth:`_check_cases_visible`
        :raise UserError: a person has a user account, or an open case and
            the context lacks ``expat_anonymize_open_cases``
        """
        self._check_manager()
        cases = self._check_cases_visible(partners)
        with_users = (
            partners.sudo().with_context(active_test=False).filtered("user_ids")
        )
        if with_users:
            raise UserError(
                self.env._(
                    "%(person)s has a user account. Remove the account "
                    "(Settings > Users) before anonymising the person.",
                    person=with_users[0].display_name,
                )
            )
        open_cases = cases.filtered_domain(cases._expat_open_domain())
        if open_cases and not self.env.context.get("expat_anonymize_open_cases"):
            raise UserError(
                self.env._(
                    "%(person)s still has open cases (%(cases)s). Close "
                    "them first, or confirm the anonymisation in the wizard.",
                    person=open_cases[0].person_id.display_name,
                    cases=", ".join(open_cases.mapped("name")),
                )
            )

    @api.model
    def _export(self, partner):
        """The Art. 15 export of one person: see
        ``res.partner.action_expat_data_export``.

        :return: an ``ir.actions.act_url`` downloading the JSON
        """
        partner.ensure_one()
        self._check_manager()
        self._check_cases_visible(partner)
        exporter = self.env["expat.data.export"]
        document = exporter._document(partner)
        today = fields.Date.context_today(self)
        attachments = self.env["ir.attachment"].sudo()
        stem = f"expat-data-export-{partner.id}-{today}"
        common = {
            "res_model": "res.partner",
            "res_id": partner.id,
            "res_field": "expat_data_export",
        }
        attachment = attachments.create(
            {
                "name": f"{stem}.json",
                "raw": exporter._json(document),
                "mimetype": "application/json",
                **common,
            }
        )
        # The same, readable by the person, beside it.
        readable = attachments.create(
            {
                "name": f"{stem}.html",
                "raw": exporter._html(document),
                "mimetype": "text/html",
                **common,
            }
        )
        self.env["expat.privacy.log"]._log(
            "export",
            partner,
            self.env._("Exported as %(file)s.", file=attachment.name),
            attachments=attachment | readable,
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "download",
        }

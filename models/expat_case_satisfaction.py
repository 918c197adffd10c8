from odoo import models


class ExpatCaseSatisfaction(models.AbstractModel):
    """The satisfaction survey of a case, on Odoo's rating app: who is asked
    and when, and the ratings on the case form. Mixed into ``expat.case``
    next to ``rating.mixin`` (it relies on the case's ``person_id``,
    ``anonymized`` and ``consent_withdrawn_date``; the case's ``write``
    sends the request and overrides the rating mixin's own hooks). See the
    README, "Satisfaction"."""

    _name = "expat.case.satisfaction"
    _description = "Expat Case Satisfaction Survey"

    def _expat_rating_objected(self):
        """The cases whose person must not be asked for a rating: the person
        is anonymised, has no e-mail address, withdrew consent on any of
        their cases (``consent_withdrawn_date``; Art. 7(3) GDPR: no further
        processing for the desk's own purposes) or put the address on
        Odoo's blacklist (unsubscribed, Art. 21 GDPR objection)."""
        cases = self.sudo().with_context(active_test=False)
        withdrawn = set(
            cases.search(
                [
                    ("person_id", "in", cases.person_id.ids),
                    ("consent_withdrawn_date", "!=", False),
                ]
            ).person_id.ids
        )
        objected = cases.browse(self.ids).filtered(
            lambda case: case.anonymized
            or case.person_id.expat_anonymized
            or not case.person_id.email_normalized
            or case.person_id.is_blacklisted
            or case.person_id.id in withdrawn
        )
        return self.browse(objected.ids)

    def _expat_send_rating_request(self):
        """Ask the persons of these (just closed) cases to rate the desk's
        service with ``mail_template_expat_case_rating``, in the person's
        language, through Odoo's rating page (``/rate/<token>/<value>``).

        A case is asked once: not when it already has a rating (requested
        or given), nor when ``_expat_rating_objected`` excludes it. The
        e-mail is queued (sent by the mail queue), and the request is logged
        in the case's chatter as a note. Cases created already closed, and
        cases the history import closes (context ``expat_history_import``:
        advice given years ago), are never asked."""
        template = self.env.ref(
            "expat_service_desk.mail_template_expat_case_rating",
            raise_if_not_found=False,
        )
        if not template or not self or self.env.context.get("expat_history_import"):
            return
        asked = self._expat_ratings().expat_case_id
        to_ask = self - asked
        for case in to_ask - to_ask._expat_rating_objected():
            case.rating_send_request(
                template, lang=case.person_id.lang, force_send=False
            )
        # Odoo sends through a mail composer, which keeps the rendered
        # e-mail (the person's name) until the transient vacuum; the message
        # holds it (and the anonymisation erases it), the composer goes.
        self.env["mail.compose.message"].sudo().search(
            [
                ("model", "=", self._name),
                ("template_id", "=", template.id),
                ("create_uid", "=", self.env.uid),
            ]
        ).unlink()

    def _expat_ratings(self):
        """The ratings (requested or given) of these cases, as superuser."""
        return (
            self.env["rating.rating"].sudo().search([("expat_case_id", "in", self.ids)])
        )

    def action_open_ratings(self):
        """The ratings of this case (the form's stat button)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "expat_service_desk.expat_case_rating_action"
        )
        action["domain"] = [
            ("res_model", "=", self._name),
            ("res_id", "=", self.id),
            ("consumed", "=", True),
        ]
        return action

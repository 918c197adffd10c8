"""Shared set-up of the rating tests (``test_rating_*.py``)."""

from datetime import date

from .common import ExpatDeskCase

TEMPLATE = "expat_service_desk.mail_template_expat_case_rating"
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


class ExpatRatingCase(ExpatDeskCase):
    def _requests(self, case):
        """The rating requests posted on the case."""
        return self.env["mail.message"].search(
            [
                ("model", "=", "expat.case"),
                ("res_id", "=", case.id),
                ("subject", "ilike", "satisf"),
            ]
        ) | self.env["mail.message"].search(
            [
                ("model", "=", "expat.case"),
                ("res_id", "=", case.id),
                ("subject", "ilike", "zufrieden"),
            ]
        )

    def _ratings(self, case):
        return self.env["rating.rating"].search(
            [("res_model", "=", "expat.case"), ("res_id", "=", case.id)]
        )

    @classmethod
    def _rate(cls, case, value, rated_on, feedback=None):
        """The person rates the case (as Odoo's rating page does), on
        ``rated_on`` (UTC)."""
        token = case.sudo()._rating_get_access_token()
        rating = case.sudo().rating_apply(value, token=token, feedback=feedback)
        rating.rated_on = rated_on
        return rating

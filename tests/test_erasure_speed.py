from datetime import date

from odoo.tests import warmup

from .common_erasure import ExpatErasureCase


class TestErasureSpeed(ExpatErasureCase):
    """The anonymisation works per batch: its queries do not grow with the
    number of persons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.batch = Partner.create(
            [
                {"name": f"Batch person {i}", "email": f"batch{i}@example.com"}
                for i in range(6)
            ]
        )
        for partner in cls.batch:
            case = cls._create_case(person_id=partner.id)
            cls.env["expat.consultation"].create(
                [
                    {"case_id": case.id, "date": date(2026, 3, day), "note": "x"}
                    for day in (2, 9, 16)
                ]
            )
            case.stage_id = cls.stage_closed

    # 65, plus one search per batch for each of the procedures' three models
    # (expat.procedure, .step, .document), plus the rating request each
    # closed case sent (a mail, a notification and a rating to erase), plus
    # the notifications to a bare address, deleted rather than blanked, plus
    # the cases' stored person name rewritten, plus the searches for company
    # contacts whose stored company or contact person name follows the
    # renamed contact.
    @warmup
    def test_query_count_of_one_anonymisation(self):
        with self.assertQueryCount(__system__=89):
            self.batch[:3]._expat_anonymize()
        self.assertTrue(all(self.batch[:3].mapped("expat_anonymized")))

    @warmup
    def test_query_count_does_not_grow_with_the_batch(self):
        with self.assertQueryCount(__system__=89):
            self.batch._expat_anonymize()
        self.assertTrue(all(self.batch.mapped("expat_anonymized")))

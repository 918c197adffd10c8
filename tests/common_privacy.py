"""Shared set-up of the privacy tests (``test_privacy_*.py``)."""

import base64
from datetime import date, datetime

from .common import ExpatDeskCase

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
)


class ExpatPrivacyCase(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.person.write(
            {
                "phone": "+49 2102 555 0101",
                "street": "Lintorfer Straße 7",
                "zip": "40878",
                "city": "Ratingen",
                "comment": "<p>Prefers appointments in English</p>",
                "vat": "DE123456789",
                "website": "https://priya.example.com",
                "image_1920": PNG,
            }
        )
        cls.other = env["res.partner"].create(
            {"name": "Kenji Sato", "email": "kenji.sato@example.com"}
        )
        cls.contact = cls._create_company_contact(contact_person_id=cls.person.id)
        cls.case = cls._create_case(
            employer_id=cls.employer.id,
            nationality_id=env.ref("base.in").id,
            residence_status="blue_card",
            occupation="Robotics engineer at Rheinblick",
            description="<p>Priya's husband starts in June</p>",
            topic_ids=[cls.topic_blue_card.id],
        )
        cls.other_case = cls._create_case(person_id=cls.other.id)
        Consultation = env["expat.consultation"]
        cls.consultation = Consultation.create(
            {
                "case_id": cls.case.id,
                "date": date(2026, 2, 3),
                "duration": 1.5,
                "note": "<p>Priya asked about the Blue Card salary threshold</p>",
            }
        )
        Consultation.create(
            {"case_id": cls.other_case.id, "date": date(2026, 2, 4), "duration": 1.0}
        )
        Consultation.create(
            {"company_contact_id": cls.contact.id, "date": date(2026, 2, 5)}
        )
        cls.referral = env["expat.referral"].create(
            {
                "case_id": cls.case.id,
                "reason": "Recognition of Priya's degree",
                "note": "<p>Call Priya back</p>",
            }
        )
        cls.event = env["event.event"].create(
            {
                "name": "Blue Card Workshop",
                "is_expat_desk": True,
                "date_begin": datetime(2026, 2, 10, 17, 0),
                "date_end": datetime(2026, 2, 10, 19, 0),
                "company_id": cls.org_a.id,
            }
        )
        cls.registration = env["event.registration"].create(
            {
                "event_id": cls.event.id,
                "name": "Priya Raman",
                "email": "priya.raman@example.com",
                "phone": "+49 2102 555 0101",
                "expat_case_id": cls.case.id,
            }
        )
        cls.registration.action_set_done()
        # A registration for another event, typed in with her address but
        # never linked to her contact.
        cls.loose_registration = env["event.registration"].create(
            {
                "event_id": env["event.event"]
                .create(
                    {
                        "name": "Chamber New Year Reception",
                        "date_begin": datetime(2026, 1, 15, 17, 0),
                        "date_end": datetime(2026, 1, 15, 20, 0),
                    }
                )
                .id,
                "name": "Priya Raman",
                "email": "PRIYA.RAMAN@example.com",
            }
        )
        cls.case.message_post(
            body="Priya sent her contract",
            attachment_ids=[
                env["ir.attachment"]
                .create(
                    {
                        "name": "contract_priya.pdf",
                        "raw": b"%PDF-1.4 Priya",
                        "res_model": "expat.case",
                        "res_id": cls.case.id,
                    }
                )
                .id
            ],
        )
        cls.case.message_subscribe(partner_ids=cls.person.ids)
        cls.person.message_post(body="Priya called about her appointment")

    def _make_changes_tracked(self):
        """Tracking values are only written at commit for records changed
        after their creation; produce some on the case."""
        self._flush_tracking()
        self.case.write(
            {"stage_id": self.stage_in_progress.id, "occupation": "Priya the engineer"}
        )
        self._flush_tracking()

    def _close(self, *cases):
        for case in cases:
            case.stage_id = self.stage_closed

    def _threads_sql(self):
        return (
            ("expat.case", self.case.id),
            ("expat.referral", self.referral.id),
            ("event.registration", self.registration.id),
            ("res.partner", self.person.id),
        )

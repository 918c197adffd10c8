"""Shared set-up of the erasure tests (``test_erasure_*.py``): a person with
a rich history, and how to anonymise her."""

from datetime import date, datetime, timedelta
from email.message import EmailMessage

from odoo import Command, fields

from .common import ExpatDeskCase

NAME = "Ana Beatriz Lima"
EMAIL = "ana.lima@example.org"
PHONE = "+49 211 5550 1234"
# The ways the person can be written down: name, address, the phone number
# as typed and as Odoo normalises it.
TRACES = (NAME, EMAIL, "5550 1234", "21155501234")


class ExpatErasureCase(ExpatDeskCase):
    """A person with a rich history: a request by e-mail with Cc through the
    alias, chatter with a file, consultations, a referral, activities, a
    company contact that names her as contact person, a case first opened
    for her and then corrected to somebody else, and event registrations
    with an answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        alias = env.ref("expat_service_desk.mail_alias_expat_desk")
        alias.alias_domain_id = env["mail.alias.domain"].create(
            {"name": "desk.example"}
        )
        env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_company_id", cls.org_a.id
        )
        env["ir.config_parameter"].set_param(
            "expat_service_desk.intake_user_id", cls.advisor_a.id
        )
        cls.kenji = env["res.partner"].create(
            {"name": "Kenji Sato", "email": "kenji.sato@example.com"}
        )
        cls.case = cls._receive_mail(
            f'"{NAME}" <{EMAIL}>',
            f"Blue Card question from {NAME}",
            f"Hello, this is {NAME}, phone {PHONE}.",
            cc='"Carlos Souza" <carlos.souza@example.org>, hr@employer.example',
        )
        cls.ana = cls.case.person_id
        cls.ana.write({"phone": PHONE, "street": "Kaiserstraße 5", "city": "Ratingen"})

    @classmethod
    def _receive_mail(cls, sender, subject, body, cc=None):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "expat-desk@desk.example"
        if cc:
            message["Cc"] = cc
        message["Subject"] = subject
        message["Message-Id"] = "<request-1@mail.example>"
        message.set_content(body)
        thread_id = (
            cls.env["mail.thread"].sudo().message_process(None, message.as_string())
        )
        return cls.env["expat.case"].browse(thread_id)

    def _rich_history(self):
        """Everything else, changed after creation so that it is tracked."""
        env = self.env
        self._flush_tracking()
        case = self.case.with_user(self.advisor_a)
        case.write(
            {
                "user_id": self.advisor_a.id,
                "stage_id": self.stage_in_progress.id,
                "permit_expiry_date": fields.Date.today() + timedelta(days=200),
                "occupation": "Nurse",
                "description": f"<p>{NAME} asked about her husband</p>",
            }
        )
        case.message_post(
            body=f"{NAME} sent her contract",
            attachment_ids=[
                env["ir.attachment"]
                .create(
                    {
                        "name": f"{NAME} contract.pdf",
                        "raw": b"%PDF-1.4 Ana Beatriz Lima",
                        "res_model": "expat.case",
                        "res_id": self.case.id,
                    }
                )
                .id
            ],
        )
        env["expat.consultation"].with_user(self.advisor_a).create(
            [
                {
                    "case_id": self.case.id,
                    "date": date(2026, 3, day),
                    "note": f"<p>{NAME}: {topic}</p>",
                }
                for day, topic in ((2, "salary"), (9, "family"), (16, "housing"))
            ]
        )
        referral = env["expat.referral"].create(
            {
                "case_id": self.case.id,
                "reason": f"Recognition of {NAME}'s diploma",
                "note": f"Call {PHONE}",
                "follow_up_date": fields.Date.today() + timedelta(days=7),
            }
        )
        # A company contact naming her as contact person.
        contact = self._create_company_contact(contact_person_id=self.kenji.id)
        # A case opened for her by mistake, then corrected to Kenji.
        corrected = self._create_case(person_id=self.ana.id)
        self._flush_tracking()
        contact.contact_person_id = self.ana
        corrected.person_id = self.kenji
        self._flush_tracking()
        contact.message_post(
            body=f"{NAME} coordinates the hires; write to {EMAIL.upper()}",
            subject=f"Contact person {NAME}",
        )
        # The same correction as the former version tracked it: with the
        # fields related to the person (her e-mail on the case).
        field = env["ir.model.fields"]._get
        corrected.sudo()._message_log(
            tracking_value_ids=[
                Command.create(
                    {
                        "field_id": field("expat.case", "person_id").id,
                        "old_value_integer": self.ana.id,
                        "old_value_char": NAME,
                        "new_value_integer": self.kenji.id,
                        "new_value_char": "Kenji Sato",
                    }
                ),
                Command.create(
                    {
                        "field_id": field("expat.case", "email").id,
                        "old_value_char": EMAIL,
                        "new_value_char": "kenji.sato@example.com",
                    }
                ),
            ]
        )
        # Registrations: one linked, one typed in with her address.
        event = env["event.event"].create(
            {
                "name": "Welcome Evening",
                "is_expat_desk": True,
                "date_begin": datetime(2026, 3, 20, 17, 0),
                "date_end": datetime(2026, 3, 20, 19, 0),
                "company_id": self.org_a.id,
            }
        )
        question = env["event.question"].create(
            {
                "title": "Anything we should know?",
                "question_type": "text_box",
                "event_ids": [event.id],
            }
        )
        registration = env["event.registration"].create(
            {
                "event_id": event.id,
                "partner_id": self.ana.id,
                "expat_case_id": self.case.id,
                "registration_answer_ids": [
                    (
                        0,
                        0,
                        {
                            "question_id": question.id,
                            "value_text_box": f"{NAME} brings her son",
                        },
                    )
                ],
            }
        )
        loose = env["event.registration"].create(
            {"event_id": event.id, "name": NAME, "email": EMAIL.upper()}
        )
        self._flush_tracking()
        return {
            "referral": referral,
            "contact": contact,
            "corrected": corrected,
            "registrations": registration | loose,
        }

    def _anonymize(self, partner=None):
        (partner or self.ana).with_user(self.manager).with_context(
            expat_anonymize_open_cases=True
        ).action_expat_anonymize()
        self._flush_tracking()

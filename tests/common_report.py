"""Shared set-up of the report tests (``test_report.py``,
``test_annual_report.py``): a data set whose figures are known by hand."""

from datetime import date, datetime

from .common import ExpatDeskCase

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


class ExpatReportCase(ExpatDeskCase):
    """A constructed data set whose figures for the first quarter of 2026
    are known by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        Partner = env["res.partner"]
        A, B = cls.org_a, cls.org_b
        cls.employer_2 = Partner.create(
            {
                "name": "Hildener Werkzeug KG",
                "is_company": True,
                "company_size": "10_49",
            }
        )
        cls.person_2 = Partner.create({"name": "Jean Dupont"})
        cls.person_3 = Partner.create({"name": "Mei Lin"})
        Contact = env["expat.company.contact"]
        Case = env["expat.case"]
        contact_1 = Contact.create({"partner_id": cls.employer.id, "company_id": A.id})
        contact_2 = Contact.create({"partner_id": cls.employer.id, "company_id": A.id})
        contact_3 = Contact.create(
            {
                "partner_id": cls.employer_2.id,
                "company_id": A.id,
                "shared_company_ids": [B.id],
            }
        )
        case_1 = Case.create(
            {
                "person_id": cls.person.id,
                "company_id": A.id,
                "employer_id": cls.employer.id,
                "nationality_id": env.ref("base.in").id,
                "residence_status": "blue_card",
            }
        )
        case_2 = Case.create({"person_id": cls.person.id, "company_id": A.id})
        case_3 = Case.create(
            {
                "person_id": cls.person_2.id,
                "company_id": A.id,
                "shared_company_ids": [B.id],
                "nationality_id": env.ref("base.fr").id,
            }
        )
        case_b = Case.create({"person_id": cls.person_3.id, "company_id": B.id})
        cls.topic_blue_card = env.ref("expat_service_desk.expat_topic_blue_card")
        cls.topic_recognition = env.ref("expat_service_desk.expat_topic_recognition")
        env["expat.consultation"].create(
            [
                cls._consultation(contact_1, "2026-01-01", 1.0),
                cls._consultation(contact_1, "2025-12-31", 3.0),
                cls._consultation(contact_2, "2026-03-31", 0.5),
                cls._consultation(contact_3, "2026-02-10", 1.5),
                cls._consultation(
                    case_1,
                    "2026-02-01",
                    2.0,
                    topic_ids=[cls.topic_blue_card.id, cls.topic_recognition.id],
                ),
                cls._consultation(case_1, "2026-04-01", 4.0),
                cls._consultation(case_2, "2026-03-01", 1.0),
                cls._consultation(case_3, "2026-01-15", 0.25),
                cls._consultation(case_b, "2026-02-20", 1.0),
            ]
        )
        # Archived dossiers still count: statistics are history.
        contact_2.action_archive()
        case_2.action_archive()

        def event(name, begin, company=A, attended=1, **vals):
            record = env["event.event"].create(
                {
                    "name": name,
                    "is_expat_desk": True,
                    "date_begin": begin,
                    "date_end": begin.replace(hour=23, minute=59),
                    "date_tz": "Europe/Berlin",
                    "company_id": company.id,
                    **vals,
                }
            )
            registrations = env["event.registration"].create(
                [{"event_id": record.id, "name": f"Guest {i}"} for i in range(attended)]
            )
            registrations.action_set_done()
            return record

        cls.event_1 = event("Infoabend", datetime(2026, 2, 5, 17, 0), attended=2)
        extra = env["event.registration"].create(
            [{"event_id": cls.event_1.id, "name": f"Other {i}"} for i in range(3)]
        )
        extra[0].action_set_done()
        extra[0].active = False  # archived registration: not counted
        extra[2].action_cancel()  # extra[1] registered, did not attend
        # 23:30 UTC on 31 December is 00:30 on 1 January in Düsseldorf.
        event("New Year", datetime(2025, 12, 31, 23, 30))
        # 22:30 UTC on 31 March is 00:30 on 1 April (summer time).
        event("Too late", datetime(2026, 3, 31, 22, 30))
        event("Cancelled", datetime(2026, 2, 6, 17, 0)).kanban_state = "cancel"
        event("Archived", datetime(2026, 2, 7, 17, 0)).active = False
        event("Staff party", datetime(2026, 2, 8, 17, 0), is_expat_desk=False)
        event(
            "Welcome Day B",
            datetime(2026, 3, 1, 9, 0),
            company=B,
            attended=3,
            co_organizer_company_ids=[A.id],
        )

    @classmethod
    def _consultation(cls, dossier, day, hours, **vals):
        field = "case_id" if dossier._name == "expat.case" else "company_contact_id"
        return {field: dossier.id, "date": day, "duration": hours, **vals}

    def _kpis(self, user=None, company_ids=None, period=Q1):
        report = self.env["expat.desk.report"]
        if user:
            report = report.with_user(user).with_context(
                allowed_company_ids=user.company_ids.ids
            )
        return report.get_kpis(*period, company_ids=company_ids)

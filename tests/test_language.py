from datetime import date

from odoo.tests import new_test_user
from odoo.tools import file_open
from odoo.tools.translate import code_translations, extract_spreadsheet_terms

from .common import ADVISOR, ExpatDeskCase

PERMIT = "expat_service_desk.mail_activity_type_permit_expiry"
REFERRAL = "expat_service_desk.mail_activity_type_referral_follow_up"


class TestReaderLanguage(ExpatDeskCase):
    """What the addon writes for an advisor (activity summaries, chatter
    notes) is in that advisor's language and date format, whoever triggers
    it: here an English-speaking colleague or the administrator."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("de_DE")
        cls.env["ir.module.module"]._load_module_terms(
            ["expat_service_desk"], ["de_DE"]
        )
        cls.advisor_de = new_test_user(
            cls.env,
            login="esd_advisor_de",
            name="Beraterin DE",
            groups=ADVISOR,
            company_id=cls.org_a.id,
            company_ids=[cls.org_a.id],
            lang="de_DE",
        )
        cls.advisor_a.lang = "en_US"

    def test_permit_reminder_in_the_advisors_language(self):
        # An English-speaking colleague enters the date on the German
        # advisor's case.
        case = self._create_case(user_id=self.advisor_de.id)
        case.with_user(self.advisor_a).permit_expiry_date = date(2027, 12, 15)
        activity = self._activities(case, PERMIT)
        self.assertEqual(activity.user_id, self.advisor_de)
        self.assertEqual(activity.summary, "Aufenthaltstitel läuft am 15.12.2027 ab")
        # Handed over to the English-speaking advisor: the reminder is
        # rewritten for its new reader.
        case.user_id = self.advisor_a
        activity = self._activities(case, PERMIT)
        self.assertEqual(activity.user_id, self.advisor_a)
        self.assertEqual(activity.summary, "Residence permit expires on 12/15/2027")

    def test_referral_follow_up_in_the_advisors_language(self):
        case = self._create_case(user_id=self.advisor_de.id)
        agency = self.env["res.partner"].create(
            {"name": "Agentur für Arbeit Ratingen", "is_company": True}
        )
        referral = (
            self.env["expat.referral"]
            .with_user(self.advisor_a)
            .create(
                {
                    "case_id": case.id,
                    "agency_id": agency.id,
                    "reason": "Job search",
                    "follow_up_date": date(2027, 1, 15),
                }
            )
        )
        activity = self._activities(referral, REFERRAL)
        self.assertEqual(activity.user_id, self.advisor_de)
        self.assertEqual(
            activity.summary,
            "Weiterleitung an Agentur für Arbeit Ratingen nachverfolgen",
        )

    def test_consent_withdrawal_note_in_the_advisors_language(self):
        case = self._create_case(
            user_id=self.advisor_de.id,
            legal_basis="consent",
            consent_date=date(2026, 1, 5),
        )
        wizard = (
            self.env["expat.consent.withdrawal"]
            .with_user(self.manager)
            .create({"case_id": case.id, "date": date(2026, 2, 3)})
        )
        wizard.action_confirm()
        bodies = case.message_ids.mapped("body")
        self.assertTrue(
            any(
                "Die Person hat ihre Einwilligung am 03.02.2026 widerrufen." in body
                for body in bodies
            ),
            bodies,
        )


class TestDashboardLanguage(ExpatDeskCase):
    """The dashboard's source is English; its texts are translated in the
    web client from the addon's de.po (Odoo's spreadsheet dashboards:
    ``_t("...")`` cells, link labels, chart titles and filter labels, in the
    dashboard's translation namespace)."""

    def test_every_dashboard_term_has_a_german_translation(self):
        dashboard = self.env.ref("expat_service_desk.spreadsheet_dashboard_expat_desk")
        self.assertEqual(
            dashboard._get_dashboard_translation_namespace(), "expat_service_desk"
        )
        with file_open(
            "expat_service_desk/data/files/expat_desk_dashboard.json", "rb"
        ) as file:
            terms = {
                term
                for _l, _f, term, _c in extract_spreadsheet_terms(
                    file, None, None, None
                )
            }
        self.assertIn("Companies advised", terms)
        self.assertIn("Top 10 nationalities", terms)
        german = {
            message["id"]: message["string"]
            for message in code_translations.get_web_translations(
                "expat_service_desk", "de_DE"
            )["messages"]
        }
        self.assertFalse(terms - set(german), "dashboard terms without German")
        self.assertEqual(german["Companies advised"], "Beratene Unternehmen")
        self.assertEqual(german["vs. previous period"], "ggü. Vorperiode")
        # The source itself is English: no German left in the file.
        self.assertFalse({term for term in terms if term in german.values()})

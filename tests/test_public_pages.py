import base64

from odoo.tests import HttpCase, tagged
from odoo.tools import file_open

URL = "/expat-desk/request"
PRIVACY = "/expat-desk/privacy"


@tagged("post_install", "-at_install")
class TestPublicPages(HttpCase):
    """The request form and the privacy notice show the desk, not Odoo:
    its name, the receiving organisation's logo, the privacy notice (Art. 13
    GDPR) and the legal notice set in Settings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.org = cls.env["res.company"].create(
            {
                "name": "Wirtschaftsförderung Testkreis",
                "street": "Marktplatz 1",
                "zip": "40822",
                "city": "Mettmann",
                "email": "expat@wf-test.example",
            }
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "expat_service_desk.intake_company_id", cls.org.id
        )
        settings = cls.env["res.config.settings"].create(
            {
                "expat_desk_name": "Expat Service Desk Testkreis",
                "expat_legal_notice_url": "https://wf-test.example/impressum",
                "expat_retention_months": 24,
            }
        )
        settings.execute()

    def test_form_shows_the_desk_not_the_logo_placeholder(self):
        page = self.url_open(f"{URL}?lang=en")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Expat Service Desk Testkreis", page.text)
        # The organisation has no logo: the desk's icon, not Odoo's
        # "Your logo" placeholder of the frontend layout.
        self.assertIn("/expat_service_desk/static/description/icon.png", page.text)
        self.assertNotIn('src="/web/binary/company_logo"', page.text)
        self.assertIn(f'href="{PRIVACY}?lang=en"', page.text)
        self.assertIn('href="https://wf-test.example/impressum"', page.text)
        # With a logo of its own, the organisation's logo is shown.
        with file_open("expat_service_desk/static/description/icon.png", "rb") as f:
            self.org.logo = base64.b64encode(f.read())
        self.assertFalse(self.org.uses_default_logo)
        page = self.url_open(f"{URL}?lang=en")
        self.assertIn(f"/web/binary/company_logo?company={self.org.id}", page.text)

    def test_legal_notice_link_only_when_configured(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "expat_service_desk.legal_notice_url", ""
        )
        page = self.url_open(f"{URL}?lang=en")
        self.assertNotIn("o_expat_legal_notice_link", page.text)
        self.assertIn("o_expat_privacy_link", page.text)

    def test_privacy_notice_in_german(self):
        page = self.url_open(f"{PRIVACY}?lang=de")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Datenschutzhinweise", text)
        self.assertIn("Art. 26 DSGVO", text)
        for company in self.env["res.company"]._expat_joint_controllers():
            self.assertIn(company.name, text)
        self.assertIn("expat@wf-test.example", text)
        self.assertIn("Art. 6 Abs. 1 lit. a DSGVO", text)
        self.assertIn("Art. 6 Abs. 1 lit. e DSGVO", text)
        self.assertRegex(text, r"24\s*Monate")
        for article in ("Art. 15", "(Art. 16)", "(Art. 17)", "(Art. 18)", "(Art. 20)"):
            self.assertIn(article, text)
        self.assertIn("(Art. 21)", text)
        self.assertIn("Art. 77 DSGVO", text)
        self.assertNotIn("Privacy notice</h1>", text)
        self.assertIn('href="https://wf-test.example/impressum"', text)

    def test_privacy_notice_in_english(self):
        page = self.url_open(f"{PRIVACY}?lang=en")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("Privacy notice</h1>", text)
        self.assertIn("joint controllers (Art. 26 GDPR)", text)
        self.assertIn("Art. 6(1)(a) GDPR", text)
        self.assertIn("Art. 6(1)(e) GDPR", text)
        self.assertRegex(text, r"24\s*months")
        self.assertIn("Art. 77 GDPR", text)
        self.assertNotIn("Datenschutzhinweise", text)
        self.assertIn("Wirtschaftsförderung Testkreis", text)

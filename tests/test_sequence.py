import re
from datetime import date

from freezegun import freeze_time

from .common import ExpatDeskCase


class TestSequence(ExpatDeskCase):
    def test_case_reference_from_sequence(self):
        case = self._create_case(opened_date=date(2026, 3, 2))
        self.assertRegex(case.name, r"^ESD-2026-\d{5}$")
        other = self._create_case(opened_date=date(2026, 3, 3))
        number = int(case.name.rsplit("-", 1)[1])
        self.assertEqual(other.name, f"ESD-2026-{number + 1:05d}")

    def test_reference_year_follows_opening_date(self):
        case = self._create_case(opened_date=date(2025, 12, 30))
        self.assertTrue(case.name.startswith("ESD-2025-"), case.name)

    @freeze_time("2027-01-04")
    def test_reference_default_year_is_today(self):
        case = self._create_case()
        self.assertTrue(case.name.startswith("ESD-2027-"), case.name)

    def test_company_contact_reference(self):
        contact = self._create_company_contact(opened_date=date(2026, 5, 1))
        self.assertTrue(re.fullmatch(r"ESC-2026-\d{5}", contact.name), contact.name)

    def test_reference_not_taken_from_input_and_not_copied(self):
        case = self._create_case()
        self.assertNotEqual(case.name, "New")
        copy = case.copy()
        self.assertRegex(copy.name, r"^ESD-\d{4}-\d{5}$")
        self.assertNotEqual(copy.name, case.name)

    def test_new_dossiers_start_in_stage_new(self):
        self.assertEqual(self._create_case().stage_id, self.stage_new)
        self.assertEqual(self._create_company_contact().stage_id, self.stage_new)

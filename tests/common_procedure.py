"""Shared set-up of the procedure tests (``test_procedure_*.py``): a case and
a small procedure type with known deadlines."""

from contextlib import contextmanager

from .common import ExpatDeskCase

ACTIVITY = "expat_service_desk.mail_activity_type_procedure_step"


class ExpatProcedureCase(ExpatDeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a = cls._create_case(user_id=cls.advisor_a.id)
        # A small type with known deadlines: 10, 5 and 20 days.
        cls.test_type = cls.env["expat.procedure.type"].create(
            {
                "name": "Test procedure",
                "code": "test_procedure",
                "step_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Collect",
                            "sequence": 1,
                            "days": 10,
                            "responsible": "person",
                            "document_names": "Passport\nContract\n\n",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "File",
                            "sequence": 2,
                            "days": 5,
                            "responsible": "desk",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Decide",
                            "sequence": 3,
                            "days": 20,
                            "responsible": "authority",
                        },
                    ),
                ],
            }
        )

    def _start(self, case=None, user=None, type_=None, **vals):
        user = user or self.advisor_a
        values = {
            "case_id": (case or self.case_a).id,
            "type_id": (type_ or self.test_type).id,
        }
        values.update(vals)
        return self.env["expat.procedure"].with_user(user).create(values)

    @contextmanager
    def _assertRaisesText(self, exception, text):
        """Odoo's ``assertRaises`` (rolls back to a savepoint), checking the
        message too."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertIn(text, str(catcher.exception))

    def _activities(self, procedure):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "expat.procedure"),
                ("res_id", "=", procedure.id),
                ("activity_type_id", "=", self.env.ref(ACTIVITY).id),
            ]
        )

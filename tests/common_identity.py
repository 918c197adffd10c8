"""Shared set-up of the identity tests (``test_identity_*.py``): the
messages Odoo keeps for its own gateway tests, and the desk's alias."""

import importlib.util

from odoo.tools.misc import file_path

try:
    from odoo.addons.test_mail.data import test_mail_data
except ImportError:  # not on the addons path: read the file, if it is there
    try:
        _spec = importlib.util.spec_from_file_location(
            "test_mail_data", file_path("test_mail/data/test_mail_data.py")
        )
        test_mail_data = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(test_mail_data)
    except (FileNotFoundError, ImportError):
        test_mail_data = None

ALIAS = "expat-desk@desk.example"

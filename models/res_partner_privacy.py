"""Former home of ``res.partner``'s privacy code, kept for its importers.

The privacy of a person is split by responsibility: the inventory
(``expat.personal.data``), the erasure (``expat.anonymization``,
``expat.anonymization.mail``), the access export (``expat.data.export``),
the Manager's request and its checks (``expat.privacy.request``) and the
retention (``expat.retention``); ``res.partner`` in ``res_partner.py`` keeps
the actions and hooks under their contract names.
"""

from .expat_retention import RETENTION_DEFAULT, RETENTION_PARAM
from .res_partner import ResPartner

__all__ = ["RETENTION_DEFAULT", "RETENTION_PARAM", "ResPartner"]

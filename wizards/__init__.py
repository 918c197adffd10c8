from . import expat_event_follow_up
from . import expat_annual_report_wizard
from . import expat_anonymize_wizard
from . import expat_consent_withdrawal
from . import expat_history_import
from . import base_partner_merge_automatic_wizard
from . import expat_family_member_wizard

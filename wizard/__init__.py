from . import expat_event_follow_up
from . import expat_annual_report_wizard

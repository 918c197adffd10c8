from . import expat_desk_report
from . import expat_annual_report

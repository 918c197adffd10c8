"""XML ids of the desk's groups, for ``groups=`` and ``has_group``."""

REPORTING_GROUP = "expat_service_desk.group_expat_desk_reporting"
ADVISOR_GROUP = "expat_service_desk.group_expat_desk_user"
MANAGER_GROUP = "expat_service_desk.group_expat_desk_manager"

from . import expat_event_follow_up

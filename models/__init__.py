from . import expat_topic

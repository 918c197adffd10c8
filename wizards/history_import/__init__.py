"""The work of the history import (``expat.history.import``) in plain
modules: ``reader`` reads the file, ``rows`` checks one row, ``planner``
decides what to create, ``executor`` creates it; ``common`` holds the
columns and the types they share."""

"""Start Odoo for the load test: ``python odoo_server.py [odoo arguments]``.

The same as ``odoo-bin``, with one work-around: with ``--workers``, Odoo runs
its command line again as ``... gevent`` for the websocket process, and
gevent's ``monkey.patch_all()`` asks pkg_resources to check gevent's own
requirements before calling its plug-ins. Where pkg_resources cannot match the
installed ``zope.interface`` (``DistributionNotFound`` although it is
installed, seen with setuptools' pkg_resources on this machine), the gevent
process dies and the master starts it again, endlessly. Loading the plug-ins
without that check changes nothing else.
"""

import sys

import gevent.events


def _call_entry_points(event):
    gevent.events.notify(event)
    for plugin in gevent.events.iter_entry_points(event.ENTRY_POINT_NAME):
        plugin.resolve()(event)


gevent.events.notify_and_call_entry_points = _call_entry_points

import odoo.init  # noqa: E402, F401 (after the work-around, before Odoo)
from odoo.cli.command import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())

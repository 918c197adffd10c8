"""The field specification the Odoo 19 web client sends for a view, built on
the server from the arch the user gets: used by the query-count guards, and
by ``scripts/bench`` and ``scripts/load`` to send what the browser sends.

It follows ``getFieldsSpec`` in web/static/src/model/relational_model/utils.js:
every field of the arch; many2one fields with the display name of what they
link to and the field's ``context``, unless they are always invisible
(``invisible`` or ``column_invisible`` "True", as the fields the server adds
for domains and modifiers, and not shown by another node of the arch); name
and colour field of tags; the fields of x2many sub-views; and the fields the
activity widgets depend on
(mail/static/src/views/web/fields/*_activity, fieldDependencies).
"""

import ast
import contextlib

from lxml import etree

ALWAYS = ("True", "1")
ACTIVITY_WIDGETS = ("kanban_activity", "list_activity")
ACTIVITY_DEPENDENCIES = (
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_state",
    "activity_summary",
    "activity_type_icon",
)


def view_specification(model, view_type):
    """The ``specification`` for ``web_search_read`` / ``web_read`` of the
    ``view_type`` view ("list", "kanban", "form") of ``model``, as ``model``'s
    user gets it (fields hidden by ``groups`` removed).

    :return: dict {field name: {"fields": {...}, "context": {...}} or {}}
    """
    arch = model.get_views([(False, view_type)])["views"][view_type]["arch"]
    return _node_specification(model, etree.fromstring(arch))


def _literal(text):
    """A view attribute's Python literal (``options``), or {} if it is none."""
    try:
        return ast.literal_eval(text or "{}")
    except (ValueError, SyntaxError):
        return {}


def _node_specification(model, node):
    spec = {}
    for child in node.iterchildren(tag=etree.Element):
        if child.tag != "field":
            for name, value in _node_specification(model, child).items():
                spec.setdefault(name, value)
            continue
        name = child.get("name")
        field = model._fields[name]
        hidden = any(
            child.get(attr) in ALWAYS for attr in ("invisible", "column_invisible")
        )
        if hidden and field.type in ("many2one", "one2many", "many2many"):
            # A field also shown elsewhere in the arch (the server adds an
            # invisible copy for domains) keeps what its visible node asks.
            spec.setdefault(name, {"fields": {}} if field.type == "many2one" else {})
        elif field.type == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
            if child.get("context"):
                with contextlib.suppress(ValueError):  # not a literal
                    spec[name]["context"] = ast.literal_eval(child.get("context"))
        elif field.type in ("one2many", "many2many"):
            comodel = model.env[field.comodel_name]
            sub = {}
            for view in child.iterchildren("list", "kanban"):
                sub.update(_node_specification(comodel, view))
            if child.get("widget") == "many2many_tags":
                # relatedFields of the widget: the name, and the colour when
                # the view names a colour field.
                sub = {"display_name": {}}
                color_field = _literal(child.get("options")).get("color_field")
                if color_field:
                    sub[color_field] = {}
            spec[name] = {"fields": sub}
        else:
            spec.setdefault(name, {})
        if child.get("widget") in ACTIVITY_WIDGETS:
            for dep in ACTIVITY_DEPENDENCIES:
                spec.setdefault(dep, {})
            spec.setdefault("activity_type_id", {"fields": {"display_name": {}}})
    return spec

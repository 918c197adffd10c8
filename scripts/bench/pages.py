"""The list and kanban pages of cases and company contacts, as an advisor.

The ORM side is what the Odoo 19 web client sends when an advisor opens the
page: ``web_search_read`` with the view's field specification (the fields of
the arch, the display name of every many2one not always invisible, name and
colour of the tags, the fields the activity widgets depend on), 80 rows,
``count_limit`` 10,001; ``web_search_read`` calls ``search_count`` for the
pager when the page is full. The SQL side asks the same two questions by
hand: the 80 rows with the same columns (names of the linked records,
topics, activities, the number of consultations) under the same visibility
rule, and the pager's count.
"""

LIMIT = 80
COUNT_LIMIT = 10001


def view_specification(model, view_type):
    """The specification the web client sends for the view that ``model``'s
    user gets: the addon's ``tests/web_specification.py``, shared with the
    query-count guards and the load test (imported once Odoo knows the
    addons path)."""
    from odoo.addons.expat_service_desk.tests import web_specification

    return web_specification.view_specification(model, view_type)


def page_orm(model, spec):
    """One page as the web client asks for it: {"length", "records"}. The
    record cache is emptied first, as every request starts with an empty
    one (the registry's caches stay warm, as in a running server)."""
    model.env.invalidate_all()
    return model.web_search_read(
        [], spec, offset=0, limit=LIMIT, order=None, count_limit=COUNT_LIMIT
    )


# Visibility of a dossier for the user's selected organisations (the record
# rule `<model>_rule_company`), and archived dossiers hidden.
_VISIBLE = """
    d.active AND (d.company_id = ANY(%(companies)s) OR EXISTS (
        SELECT 1 FROM {table}_res_company_rel r
         WHERE r.{table}_id = d.id AND r.res_company_id = ANY(%(companies)s)))
"""
_ACTIVITIES = """
    LEFT JOIN LATERAL (
        SELECT array_agg(a.id ORDER BY a.date_deadline, a.id) AS ids,
               min(a.date_deadline) AS deadline,
               (array_agg(a.summary ORDER BY a.date_deadline, a.id))[1] AS summary,
               (array_agg(t.name->>'en_US' ORDER BY a.date_deadline, a.id))[1]
                   AS type_name,
               (array_agg(t.icon ORDER BY a.date_deadline, a.id))[1] AS type_icon
          FROM mail_activity a
          JOIN mail_activity_type t ON t.id = a.activity_type_id
         WHERE a.res_model = '{model}' AND a.res_id = d.id AND a.active) act
      ON TRUE
"""
_TOPICS = """
    LEFT JOIN LATERAL (
        SELECT json_agg(json_build_array(t.id, t.name->>'en_US', t.color)
                        ORDER BY t.sequence, t.name->>'en_US', t.id) AS tags
          FROM {table}_expat_topic_rel r
          JOIN expat_topic t ON t.id = r.expat_topic_id
         WHERE r.{table}_id = d.id) top ON TRUE
"""
# The organisations a dossier is shared with: the lists read them (the server
# adds the field to the arch for the domain of the advisor column).
_SHARED = """
        (SELECT array_agg(r.res_company_id) FROM {table}_res_company_rel r
          WHERE r.{table}_id = d.id)"""
_ORDER = "ORDER BY d.priority DESC, d.opened_date DESC, d.id DESC"
_COUNT = """
    SELECT count(*) FROM (
        SELECT 1 FROM {table} d WHERE {visible} LIMIT %(count_limit)s) x
"""

CASE_COLUMNS = {
    "list": """
        d.id, d.priority, d.name, d.person_name, e.complete_name,
        n.name->>'en_US', d.residence_status, d.permit_expiry_date, m.name,
        top.tags, up.name, co.name, d.is_shared, d.opened_date, d.closed_date,
        (SELECT count(*) FROM expat_consultation c WHERE c.case_id = d.id),
        act.ids, act.deadline, act.summary, act.type_name, act.type_icon,
        s.name->>'en_US', s.is_closed,"""
    + _SHARED,
    "kanban": """
        d.id, s.name->>'en_US', d.active, d.color, d.company_id, d.person_name,
        d.is_shared, d.name, e.complete_name, top.tags, n.name->>'en_US', d.priority,
        act.ids, act.deadline, act.summary, act.type_name, act.type_icon,
        (SELECT count(*) FROM expat_consultation c WHERE c.case_id = d.id),
        d.date_last_stage_update, s.rotting_threshold_days, up.name""",
}
CASE_FROM = """
    {page} d
    LEFT JOIN res_partner e ON e.id = d.employer_id
    LEFT JOIN res_country n ON n.id = d.nationality_id
    LEFT JOIN expat_municipality m ON m.id = d.municipality_id
    LEFT JOIN expat_stage s ON s.id = d.stage_id
    LEFT JOIN res_users u ON u.id = d.user_id
    LEFT JOIN res_partner up ON up.id = u.partner_id
    JOIN res_company co ON co.id = d.company_id
"""
CONTACT_COLUMNS = {
    "list": """
        d.id, d.priority, d.name, d.partner_name, d.contact_person_name, m.name,
        d.company_size, d.planned_hire_count, top.tags, up.name, co.name,
        d.is_shared, d.opened_date, d.closed_date,
        act.ids, act.deadline, act.summary, act.type_name, act.type_icon,
        s.name->>'en_US', s.is_closed,"""
    + _SHARED,
    "kanban": """
        d.id, s.name->>'en_US', d.active, d.color, d.company_id, d.partner_name,
        d.is_shared, d.name, d.contact_person_name, top.tags, d.planned_hire_count,
        d.priority, act.ids, act.deadline, act.summary, act.type_name,
        act.type_icon, d.date_last_stage_update, s.rotting_threshold_days, up.name""",
}
CONTACT_FROM = """
    {page} d
    LEFT JOIN expat_municipality m ON m.id = d.municipality_id
    LEFT JOIN expat_stage s ON s.id = d.stage_id
    LEFT JOIN res_users u ON u.id = d.user_id
    LEFT JOIN res_partner up ON up.id = u.partner_id
    JOIN res_company co ON co.id = d.company_id
"""
DOSSIERS = {
    "expat.case": ("expat_case", CASE_FROM, CASE_COLUMNS),
    "expat.company.contact": (
        "expat_company_contact",
        CONTACT_FROM,
        CONTACT_COLUMNS,
    ),
}


def page_sql(model_name, view_type):
    """The two hand-written selects of one page: (rows, count)."""
    table, from_, columns = DOSSIERS[model_name]
    visible = _VISIBLE.format(table=table)
    # The page's rows first (the order served by an index), then what they
    # link to: joins and lateral look-ups for 80 rows only.
    page = f"(SELECT * FROM {table} d WHERE {visible} {_ORDER} LIMIT %(limit)s)"
    selected = columns[view_type].format(table=table)
    rows = (
        f"SELECT {selected} FROM {from_.format(page=page)}"
        + _TOPICS.format(table=table)
        + _ACTIVITIES.format(model=model_name)
        + f" {_ORDER}"
    )
    return rows, _COUNT.format(table=table, visible=visible)


def page_by_hand(cr, queries, companies):
    """Run the two selects; return (row ids, count) to compare with the
    ORM's page."""
    rows, count = queries
    args = {"companies": companies, "limit": LIMIT, "count_limit": COUNT_LIMIT}
    cr.execute(rows, args)
    ids = [row[0] for row in cr.fetchall()]
    cr.execute(count, args)
    return ids, cr.fetchone()[0]


def page_orm_answer(result):
    """The ORM's page reduced to what the SQL answer holds."""
    return [record["id"] for record in result["records"]], result["length"]


def page_measures(advisor_env):
    """(label, ORM call, SQL call, ORM answer -> comparable, SQL answer ->
    comparable) for the four pages, as the advisor of ``advisor_env``."""
    companies = advisor_env.context["allowed_company_ids"]
    cr = advisor_env.cr
    measures = []
    for model_name, title in (
        ("expat.case", "cases"),
        ("expat.company.contact", "company contacts"),
    ):
        model = advisor_env[model_name]
        for view_type in ("list", "kanban"):
            spec = view_specification(model, view_type)
            queries = page_sql(model_name, view_type)
            measures.append(
                (
                    f"{title} {view_type} page",
                    lambda model=model, spec=spec: page_orm(model, spec),
                    lambda queries=queries: page_by_hand(cr, queries, companies),
                    page_orm_answer,
                    None,
                )
            )
    return measures

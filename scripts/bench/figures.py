"""The desk's figures asked twice: through the ORM (``get_kpis``, the pivot
as the web client sends it) and by hand in SQL from the base tables."""

from measure import Measure, explain, explain_call

# Satisfaction ratings, as the report defines them: given (1-5) on a case,
# dated by the day given in the time zone of the case's organisation.
_RATINGS_FROM = """
         FROM rating_rating rt
         JOIN expat_case k ON k.id = rt.res_id AND rt.res_model = 'expat.case'
         JOIN res_company co ON co.id = k.company_id
         LEFT JOIN res_partner cp ON cp.id = co.partner_id
        WHERE rt.consumed AND rt.rating >= 1
          AND k.company_id = ANY(%(orgs)s)
          AND timezone(COALESCE(cp.tz, 'UTC'), timezone('UTC', rt.rated_on))::date
              BETWEEN %(date_from)s AND %(date_to)s"""
_RATING_FIGURES = (
    "(SELECT count(*)" + _RATINGS_FROM + "),\n"
    "      (SELECT COALESCE(avg(rt.rating), 0)" + _RATINGS_FROM + ")"
)

KPI_SQL = """
    SELECT
      (SELECT count(DISTINCT cc.partner_id)
         FROM expat_consultation c
         JOIN expat_company_contact cc ON cc.id = c.company_contact_id
        WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
          AND cc.company_id = ANY(%(orgs)s)),
      (SELECT count(DISTINCT k.person_id)
         FROM expat_consultation c
         JOIN expat_case k ON k.id = c.case_id
        WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
          AND k.company_id = ANY(%(orgs)s)),
      x.consultations, x.hours,
      (SELECT count(*)
         FROM event_event e
        WHERE e.is_expat_desk AND e.active AND e.kanban_state IS DISTINCT FROM 'cancel'
          AND e.company_id = ANY(%(orgs)s)
          AND timezone(COALESCE(e.date_tz, 'UTC'), timezone('UTC', e.date_begin))::date
              BETWEEN %(date_from)s AND %(date_to)s),
      (SELECT count(*)
         FROM event_registration r
         JOIN event_event e ON e.id = r.event_id
        WHERE r.active AND r.state = 'done'
          AND e.is_expat_desk AND e.active AND e.kanban_state IS DISTINCT FROM 'cancel'
          AND e.company_id = ANY(%(orgs)s)
          AND timezone(COALESCE(e.date_tz, 'UTC'), timezone('UTC', e.date_begin))::date
              BETWEEN %(date_from)s AND %(date_to)s),
      {ratings}
    FROM (SELECT count(*) AS consultations, COALESCE(sum(c.duration), 0) AS hours
            FROM expat_consultation c
            LEFT JOIN expat_case k ON k.id = c.case_id
            LEFT JOIN expat_company_contact cc ON cc.id = c.company_contact_id
           WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
             AND COALESCE(k.company_id, cc.company_id) = ANY(%(orgs)s)) x
""".replace("{ratings}", _RATING_FIGURES)

# Event rows, as the report defines them: attended registrations of active,
# not cancelled desk events, dated by the event's start in its own time zone
# (the person is the attendee), one row per desk event held, attended or not,
# and one row per satisfaction rating given on a case.
_EVENT_ROWS = """
        SELECT d.day, e.company_id, r.employer_id,
               COALESCE(r.expat_person_id,
                        CASE WHEN p.is_company THEN NULL ELSE r.partner_id END), 0
          FROM event_registration r
          JOIN event_event e ON e.id = r.event_id
          LEFT JOIN res_partner p ON p.id = r.partner_id
         CROSS JOIN LATERAL (SELECT timezone(COALESCE(e.date_tz, 'UTC'),
                                     timezone('UTC', e.date_begin))::date AS day) d
         WHERE r.active AND r.state = 'done'
           AND e.is_expat_desk AND e.active AND e.kanban_state IS DISTINCT FROM 'cancel'
           AND d.day BETWEEN %(date_from)s AND %(date_to)s
         UNION ALL
        SELECT d.day, e.company_id, NULL, NULL, 0
          FROM event_event e
         CROSS JOIN LATERAL (SELECT timezone(COALESCE(e.date_tz, 'UTC'),
                                     timezone('UTC', e.date_begin))::date AS day) d
         WHERE e.is_expat_desk AND e.active AND e.kanban_state IS DISTINCT FROM 'cancel'
           AND d.day BETWEEN %(date_from)s AND %(date_to)s
         UNION ALL
        SELECT d.day, k.company_id, NULL, NULL, 0
          FROM rating_rating rt
          JOIN expat_case k ON k.id = rt.res_id AND rt.res_model = 'expat.case'
          JOIN res_company co ON co.id = k.company_id
          LEFT JOIN res_partner cp ON cp.id = co.partner_id
         CROSS JOIN LATERAL (SELECT timezone(COALESCE(cp.tz, 'UTC'),
                                     timezone('UTC', rt.rated_on))::date AS day) d
         WHERE rt.consumed AND rt.rating >= 1
           AND d.day BETWEEN %(date_from)s AND %(date_to)s
"""
# Consultation rows from the base tables: organisation, owner and person come
# from the case or the company contact.
_CONSULTATION_ROWS = """
        SELECT c.date,
               COALESCE(k.company_id, cc.company_id) AS company_id,
               COALESCE(cc.partner_id, k.employer_id) AS organisation_id,
               k.person_id,
               c.duration
          FROM expat_consultation c
          LEFT JOIN expat_case k ON k.id = c.case_id
          LEFT JOIN expat_company_contact cc ON cc.id = c.company_contact_id
         WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
"""
# The same from the dimensions stored on the consultation (what the report
# reads): not a goal, shown to tell the cost of the ORM from that of the joins.
_CONSULTATION_ROWS_STORED = """
        SELECT c.date, c.company_id, c.organisation_id, c.person_id, c.duration
          FROM expat_consultation c
         WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
"""
_PIVOT = """
    WITH activity AS ({consultations} UNION ALL {events}),
    monthly AS (
        SELECT date_trunc('month', date::timestamp)::date AS month, company_id,
               organisation_id, person_id, duration
          FROM activity
         WHERE company_id = ANY(%(orgs)s)
    )
    SELECT month, company_id, count(*), count(DISTINCT organisation_id),
           count(DISTINCT person_id), sum(duration), {grouping}
      FROM monthly
     GROUP BY {group_by}
"""
PIVOT_SQL = _PIVOT.format(
    consultations=_CONSULTATION_ROWS,
    events=_EVENT_ROWS,
    grouping="0",
    group_by="month, company_id",
)
PIVOT_SQL_STORED = _PIVOT.format(
    consultations=_CONSULTATION_ROWS_STORED,
    events=_EVENT_ROWS,
    grouping="0",
    group_by="month, company_id",
)
# What the pivot view really sends for months as rows and organisations as
# columns: the four groupings (totals, rows, columns, cells) in one call.
PIVOT_GROUPING_SETS = [[], ["date:month"], ["company_id"], ["date:month", "company_id"]]
PIVOT_SETS_SQL = _PIVOT.format(
    consultations=_CONSULTATION_ROWS,
    events=_EVENT_ROWS,
    grouping="GROUPING(month, company_id)",
    group_by="GROUPING SETS ((), (month), (company_id), (month, company_id))",
)

# The figures from the dimensions stored on the consultation, in one
# statement: not a goal, shown to tell the ORM's own overhead.
KPI_SQL_STORED = """
    SELECT count(DISTINCT c.organisation_id) FILTER (WHERE c.dossier_type = 'company'),
           count(DISTINCT c.person_id) FILTER (WHERE c.dossier_type = 'individual'),
           count(*), COALESCE(sum(c.duration), 0),
           (SELECT count(*)
              FROM event_event e
             WHERE e.is_expat_desk AND e.active
               AND e.kanban_state IS DISTINCT FROM 'cancel'
               AND e.company_id = ANY(%(orgs)s)
               AND timezone(COALESCE(e.date_tz, 'UTC'),
                            timezone('UTC', e.date_begin))::date
                   BETWEEN %(date_from)s AND %(date_to)s),
           (SELECT count(*)
              FROM event_registration r
              JOIN event_event e ON e.id = r.event_id
             WHERE r.active AND r.state = 'done'
               AND e.is_expat_desk AND e.active
               AND e.kanban_state IS DISTINCT FROM 'cancel'
               AND e.company_id = ANY(%(orgs)s)
               AND timezone(COALESCE(e.date_tz, 'UTC'),
                            timezone('UTC', e.date_begin))::date
                   BETWEEN %(date_from)s AND %(date_to)s),
           {ratings}
      FROM expat_consultation c
     WHERE c.date BETWEEN %(date_from)s AND %(date_to)s
       AND c.company_id = ANY(%(orgs)s)
""".replace("{ratings}", _RATING_FIGURES)

PIVOT_AGGREGATES = [
    "__count",
    "organisation_id:count_distinct",
    "person_key:count_distinct",
    "duration:sum",
]


def kpis_by_hand(cr, args, query=KPI_SQL):
    cr.execute(query, args)
    (
        companies,
        individuals,
        consultations,
        hours,
        events,
        participants,
        ratings,
        satisfaction,
    ) = cr.fetchone()
    return {
        "companies_advised": companies,
        "individuals_advised": individuals,
        "consultations": consultations,
        "hours": float(hours),
        "events": events,
        "event_participants": participants,
        "ratings": ratings,
        "satisfaction": float(satisfaction),
    }


def pivot_domain(args):
    return [("date", ">=", args["date_from"]), ("date", "<=", args["date_to"])]


def pivot_orm(report, args):
    return report.formatted_read_group(
        domain=pivot_domain(args),
        groupby=["date:month", "company_id"],
        aggregates=PIVOT_AGGREGATES,
    )


def pivot_view_orm(report, args):
    return report.formatted_read_grouping_sets(
        pivot_domain(args), PIVOT_GROUPING_SETS, PIVOT_AGGREGATES
    )


def _orm_key(group, groupby):
    # "date:month" comes back as (value, label), the value being the first
    # day of the month; company_id as (id, name); absent when not grouped.
    month = str(group["date:month"][0])[:7] if "date:month" in groupby else None
    company = None
    if "company_id" in groupby and group["company_id"]:
        company = group["company_id"][0]
    return month, company


def _orm_values(group):
    return (
        group["__count"],
        group["organisation_id:count_distinct"],
        group["person_key:count_distinct"],
        round(group["duration:sum"] or 0.0, 6),
    )


def pivot_orm_table(groups):
    return {
        _orm_key(group, ["date:month", "company_id"]): _orm_values(group)
        for group in groups
    }


def pivot_view_orm_table(result):
    table = {}
    pairs = zip(PIVOT_GROUPING_SETS, result, strict=True)
    for index, (groupby, groups) in enumerate(pairs):
        for group in groups:
            table[(index, *_orm_key(group, groupby))] = _orm_values(group)
    return table


def pivot_by_hand(cr, args, query=PIVOT_SQL):
    cr.execute(query, args)
    return {
        (month.isoformat()[:7], company): (n, orgs, persons, round(hours or 0.0, 6))
        for month, company, n, orgs, persons, hours, _grouping in cr.fetchall()
    }


def pivot_sets_by_hand(cr, args):
    # GROUPING(): bit 1 = month rolled up, bit 0 = company rolled up.
    index_of = {3: 0, 1: 1, 2: 2, 0: 3}
    cr.execute(PIVOT_SETS_SQL, args)
    return {
        (index_of[grouping], month and month.isoformat()[:7], company): (
            n,
            orgs,
            persons,
            round(hours or 0.0, 6),
        )
        for month, company, n, orgs, persons, hours, grouping in cr.fetchall()
    }


GOALS = {"get_kpis": 1.5, "pivot": 2.0}


def figure_measures(report, cr, args):
    """The desk's figures as ``Measure`` objects for ``report`` (an
    ``expat.desk.report`` in the environment of the user measured)."""
    orgs = args["orgs"]
    date_from, date_to = args["date_from"], args["date_to"]

    def kpis():
        return report.get_kpis(date_from, date_to, orgs)

    return [
        Measure("get_kpis", kpis, lambda: kpis_by_hand(cr, args), GOALS["get_kpis"]),
        Measure(
            "get_kpis vs stored-column SQL",
            kpis,
            lambda: kpis_by_hand(cr, args, KPI_SQL_STORED),
        ),
        Measure(
            "pivot (formatted_read_group)",
            lambda: pivot_orm(report, args),
            lambda: pivot_by_hand(cr, args),
            GOALS["pivot"],
            pivot_orm_table,
        ),
        Measure(
            "pivot view (grouping sets)",
            lambda: pivot_view_orm(report, args),
            lambda: pivot_sets_by_hand(cr, args),
            GOALS["pivot"],
            pivot_view_orm_table,
        ),
        Measure(
            "pivot vs stored-column SQL",
            lambda: pivot_orm(report, args),
            lambda: pivot_by_hand(cr, args, PIVOT_SQL_STORED),
            None,
            pivot_orm_table,
        ),
    ]


def explain_figures(cr, report, args):
    """EXPLAIN ANALYZE of the ORM's and the hand-written queries."""
    orgs = args["orgs"]
    explain_call(
        cr,
        "get_kpis",
        lambda: report.get_kpis(args["date_from"], args["date_to"], orgs),
    )
    explain(cr, "get_kpis by hand (base tables)", KPI_SQL, args)
    explain(cr, "get_kpis by hand (stored dimensions)", KPI_SQL_STORED, args)
    explain_call(
        cr,
        "pivot, formatted_read_group",
        lambda: pivot_orm(report, args),
        lambda q: "expat_consultation" in q,
    )
    explain_call(
        cr,
        "pivot view, grouping sets",
        lambda: pivot_view_orm(report, args),
        lambda q: "expat_consultation" in q,
    )
    explain(cr, "pivot by hand (base tables)", PIVOT_SQL, args)
    explain(cr, "pivot view by hand (base tables)", PIVOT_SETS_SQL, args)
    explain(cr, "pivot by hand (stored dimensions)", PIVOT_SQL_STORED, args)

"""The SQL of ``expat.desk.report``: its rows (``table_query``) and the
conditions and expressions that both its rows and ``get_kpis`` use, so that
every figure has one definition. Plain functions: none of them takes user
input; values are passed as SQL parameters."""

import hashlib

from odoo.tools import SQL


def table_query(env):
    """The query of the report's rows (see the model's docstring for the
    row types and their ids).

    :param env: the environment (for the database secret of the pseudonyms)
    :return: ``SQL``
    """
    return SQL(
        """
        SELECT c.id AS id,
               c.date AS date,
               CASE WHEN c.case_id IS NOT NULL THEN 'individual'
                    ELSE 'company' END AS activity_type,
               c.company_id AS company_id,
               c.organisation_id AS organisation_id,
               %(person_key_c)s AS person_key,
               c.municipality_id AS municipality_id,
               c.company_size AS company_size,
               c.nationality_id AS nationality_id,
               c.nationality_area AS nationality_area,
               c.residence_status AS residence_status,
               c.channel AS channel,
               c.user_id AS user_id,
               c.is_first AS is_first,
               c.duration AS duration,
               NULL::integer AS event_id,
               NULL::float AS rating
          FROM expat_consultation c
         UNION ALL
        SELECT -3 * r.id AS id,
               %(event_date)s,
               'event',
               e.company_id,
               r.employer_id,
               %(person_key_r)s,
               COALESCE(p.municipality_id, emp.municipality_id),
               emp.company_size,
               NULL::integer,
               NULL::varchar,
               NULL::varchar,
               'event',
               e.user_id,
               FALSE,
               0.0,
               e.id,
               NULL::float
          FROM event_registration r
          JOIN event_event e ON e.id = r.event_id
          LEFT JOIN res_partner p ON p.id = r.partner_id
          LEFT JOIN res_partner emp ON emp.id = r.employer_id
         WHERE %(attended)s
         UNION ALL
        SELECT -3 * e.id - 1 AS id,
               %(event_date)s,
               'event_held',
               e.company_id,
               NULL::integer,
               NULL::bigint,
               NULL::integer,
               NULL::varchar,
               NULL::integer,
               NULL::varchar,
               NULL::varchar,
               'event',
               e.user_id,
               FALSE,
               0.0,
               e.id,
               NULL::float
          FROM event_event e
         WHERE %(desk_event)s
         UNION ALL
        SELECT -3 * rt.id - 2 AS id,
               %(rating_date)s,
               'rating',
               rc.company_id,
               NULL::integer,
               NULL::bigint,
               rc.municipality_id,
               NULL::varchar,
               NULL::integer,
               NULL::varchar,
               NULL::varchar,
               NULL::varchar,
               NULL::integer,
               FALSE,
               0.0,
               NULL::integer,
               rt.rating
          FROM %(rating_from)s
         WHERE %(rating_given)s
        """,
        rating_date=rating_date_sql(),
        rating_from=rating_from_sql(),
        rating_given=rating_given_condition(),
        attended=attended_registration_condition(),
        desk_event=desk_event_condition(),
        event_date=event_date_sql(),
        person_key_c=person_key_sql(env, SQL.identifier("c", "person_id")),
        person_key_r=attendee_key_sql(env),
    )


def person_key_sql(env, column):
    """A stable pseudonym of the person in ``column``: a 52-bit keyed
    hash (seeded from the database secret), so that nobody can look the
    person up by it, while distinct counts stay exact in practice (a
    collision among 100,000 persons has a chance of about one in a
    million)."""
    secret = env["ir.config_parameter"].sudo().get_param("database.secret")
    seed = int(hashlib.sha256((secret or "").encode()).hexdigest()[:15], 16)
    return SQL("(hashtextextended(%s::text, %s) & 4503599627370495)", column, seed)


def attendee_key_sql(env):
    """The ``person_key`` of a registration (aliases ``r``, and ``p``
    for the contact who booked): the attendee, not who booked. The
    attendee's contact when known (the same key as on their cases),
    else the registration's own e-mail address and name; none for a
    registration that only names the company that booked it."""
    attendee = SQL(
        "'attendee:' || lower(btrim(COALESCE(r.email, ''))) || '|'"
        " || lower(regexp_replace(btrim(COALESCE(r.name, '')), '\\s+', ' ', 'g'))"
    )
    return SQL(
        """CASE WHEN r.expat_person_id IS NOT NULL THEN %(contact)s
                WHEN COALESCE(p.is_company, FALSE)
                     AND COALESCE(r.name, '') IN ('', p.name) THEN NULL
                WHEN COALESCE(r.email, '') = '' AND COALESCE(r.name, '') = ''
                     THEN %(registration)s
                ELSE %(attendee)s END""",
        contact=person_key_sql(env, SQL.identifier("r", "expat_person_id")),
        registration=person_key_sql(env, SQL("'registration:' || r.id")),
        attendee=person_key_sql(env, attendee),
    )


def desk_event_condition():
    """Events that count (alias ``e``): active, not cancelled desk events."""
    return SQL(
        "e.is_expat_desk AND e.active"
        " AND COALESCE(e.kanban_state, 'normal') != 'cancel'"
    )


def attended_registration_condition():
    """Registrations that count as event participants (aliases ``r``
    and ``e``): active and attended, of an event that counts."""
    return SQL("r.active AND r.state = 'done' AND %s", desk_event_condition())


def event_date_sql():
    """The day an event (alias ``e``) starts, in its own time zone."""
    return SQL(
        "(e.date_begin AT TIME ZONE 'UTC'"
        " AT TIME ZONE COALESCE(e.date_tz, 'UTC'))::date"
    )


def rating_from_sql():
    """Ratings of cases (alias ``rt``) with their case (``rc``) and the
    contact of the case's organisation (``rcp``, for its time zone)."""
    return SQL(
        "rating_rating rt"
        " JOIN expat_case rc ON rc.id = rt.expat_case_id"
        " JOIN res_company rco ON rco.id = rc.company_id"
        " LEFT JOIN res_partner rcp ON rcp.id = rco.partner_id"
    )


def rating_given_condition():
    """Ratings that count: given (consumed) with a value of 1 to 5."""
    return SQL("rt.consumed AND rt.rating >= 1 AND rt.rated_on IS NOT NULL")


def rating_date_sql():
    """The day a rating was given, in the time zone of the case's
    organisation (its contact's), UTC when it has none."""
    return SQL(
        "(rt.rated_on AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(rcp.tz, 'UTC'))::date"
    )

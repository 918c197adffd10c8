"""The benchmark's data set: 3 organisations, 3,000 companies, 17,000
individuals, 20,000 cases, 2,000 company contacts, 66,000 consultations over
3 years (with topics), 30 desk events with about 1,000 attended registrations,
topics and open activities on cases.

Loaded with ``INSERT ... SELECT generate_series`` (seeded ``random()``, so every
run loads the same data), the report dimensions stored on
``expat.consultation`` included; organisations, users and events go through
the ORM. ``validate`` checks a sample against the ORM's own computation.
The sizes are in ``dataset_spec``; the loaders per kind of data in
``dataset_people``, ``dataset_dossiers`` and ``dataset_events``.
"""

from dataset_dossiers import load_consultations, load_dossiers
from dataset_events import load_case_topics_and_activities, load_events
from dataset_people import load_partners, load_users, parameters
from dataset_spec import (
    DIMENSIONS,
    say,  # noqa: F401 (dataset.say, for __main__)
)


def load(env):
    """Load the data set into the database of ``env`` and commit."""
    orgs, advisors = load_users(env)
    params = parameters(env, orgs, advisors)

    def run(query, **kw):
        env.cr.execute(query, {**params, **kw})

    run("SELECT setseed(0.2026)")
    load_partners(run, params)
    load_dossiers(run, params)
    load_consultations(run, params)
    load_case_topics_and_activities(env, run)
    load_events(env, run, params, orgs)
    env.invalidate_all(flush=False)
    env.registry.clear_cache()
    env.cr.commit()


ATTENDED = (
    "SELECT count(*) FROM event_registration r"
    " JOIN event_event e ON e.id = r.event_id"
    " WHERE r.active AND r.state = 'done' AND e.is_expat_desk AND e.active"
    " AND e.kanban_state != 'cancel'"
)
SIZE_QUERIES = [
    ("organisations", "SELECT count(*) FROM res_company"),
    (
        "companies",
        "SELECT count(*) FROM res_partner"
        " WHERE is_company AND name LIKE 'Bench Company %'",
    ),
    (
        "individuals",
        "SELECT count(*) FROM res_partner"
        " WHERE NOT is_company AND name LIKE 'Bench Person %'",
    ),
    ("cases", "SELECT count(*) FROM expat_case"),
    (
        "persons with several cases",
        "SELECT count(*) FROM (SELECT person_id FROM expat_case"
        " GROUP BY 1 HAVING count(*) > 1) x",
    ),
    ("case topics", "SELECT count(*) FROM expat_case_expat_topic_rel"),
    (
        "open activities on cases",
        "SELECT count(*) FROM mail_activity WHERE res_model = 'expat.case'",
    ),
    ("company contacts", "SELECT count(*) FROM expat_company_contact"),
    (
        "company contacts with a contact person",
        "SELECT count(contact_person_id) FROM expat_company_contact",
    ),
    ("consultations", "SELECT count(*) FROM expat_consultation"),
    (
        "consultation topics",
        "SELECT count(*) FROM expat_consultation_expat_topic_rel",
    ),
    (
        "desk events (1 cancelled, 1 archived)",
        "SELECT count(*) FROM event_event WHERE is_expat_desk",
    ),
    ("registrations", "SELECT count(*) FROM event_registration"),
    ("attended registrations", ATTENDED),
]


def counts(env):
    """The size of the data set: {label: rows}."""
    out = {}
    for label, query in SIZE_QUERIES:
        env.cr.execute(query)
        out[label] = env.cr.fetchone()[0]
    out["report rows"] = env["expat.desk.report"].search_count([])
    return out


def validate(env, sample_size=400):
    """Recompute the stored report dimensions of a sample of consultations
    with the ORM's own compute methods and compare with what SQL stored."""
    cr = env.cr
    Consultation = env["expat.consultation"]
    cr.execute(
        """
        (SELECT id FROM expat_consultation WHERE case_id IS NOT NULL
          ORDER BY md5(id::text) LIMIT %s)
        UNION ALL
        (SELECT id FROM expat_consultation WHERE company_contact_id IS NOT NULL
          ORDER BY md5(id::text) LIMIT %s)
        UNION ALL
        (SELECT id FROM expat_consultation WHERE is_first
          ORDER BY md5(id::text) LIMIT 50)
        """,
        (sample_size * 3 // 4, sample_size // 4),
    )
    ids = sorted({row[0] for row in cr.fetchall()})
    cr.execute(
        "SELECT id, %s FROM expat_consultation WHERE id = ANY(%%s)"
        % ", ".join(DIMENSIONS),
        (ids,),
    )
    stored = {row[0]: row[1:] for row in cr.fetchall()}
    records = Consultation.browse(ids)
    env.invalidate_all(flush=False)
    for fname in DIMENSIONS:
        env.add_to_compute(Consultation._fields[fname], records)
    mismatches = []
    for record in records:
        for fname, sql_value in zip(DIMENSIONS, stored[record.id], strict=True):
            value = record[fname]
            if hasattr(value, "_name"):
                value = value.id or None
            if value is False and fname not in ("is_first",):
                value = None
            if fname == "is_first":
                sql_value = bool(sql_value)
            if value != sql_value:
                mismatches.append((record.id, fname, sql_value, value))
    # Nothing of the validation is kept.
    env.invalidate_all(flush=False)
    env.transaction.tocompute.clear()
    cr.rollback()
    return len(ids), mismatches

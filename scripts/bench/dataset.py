"""The benchmark's data set: 3 organisations, 3,000 companies, 17,000
individuals, 20,000 cases, 2,000 company contacts, 66,000 consultations over
3 years (with topics), 30 desk events with about 1,000 attended registrations,
topics and open activities on cases.

Loaded with ``INSERT ... SELECT generate_series`` (seeded ``random()``, so every
run loads the same data), the report dimensions stored on
``expat.consultation`` included; organisations, users and events go through
the ORM. ``validate`` checks a sample against the ORM's own computation.
"""

import datetime
import sys

from odoo.fields import Command

N_ORGS = 3
N_COMPANIES = 3000
N_PERSONS = 17000
N_CASES = 20000
N_CONTACTS = 2000
N_CASE_CONSULTATIONS = 56000
N_CONTACT_CONSULTATIONS = 10000
N_EVENTS = 30
YEARS = 3

NATIONALITIES = [
    # EU
    "fr",
    "it",
    "es",
    "pl",
    "ro",
    "nl",
    "gr",
    "pt",
    "bg",
    "hr",
    # not EU
    "in",
    "cn",
    "tr",
    "us",
    "br",
    "ua",
    "sy",
    "eg",
    "jp",
    "kr",
    "ph",
    "vn",
    "mx",
    "ng",
    "gb",
    "ru",
    "ir",
    "pk",
    "co",
    "id",
]
RESIDENCE = [
    "none",
    "visa",
    "blue_card",
    "skilled_worker",
    "opportunity_card",
    "student",
    "family",
    "eu_citizen",
    "settlement",
    "other",
]
SIZES = ["1_9", "10_49", "50_249", "250_plus"]
CHANNELS = ["in_person", "phone", "email", "video"]
DIMENSIONS = [
    "company_id",
    "organisation_id",
    "person_id",
    "municipality_id",
    "company_size",
    "nationality_id",
    "nationality_area",
    "residence_status",
    "is_first",
    "dossier_type",
]


def say(message):
    """Progress on stderr, so that stdout holds only the figures."""
    sys.stderr.write(f"[benchmark] {message}\n")
    sys.stderr.flush()


def sql_array(values):
    return "ARRAY[%s]::varchar[]" % ",".join(f"'{v}'" for v in values)


def load(env):
    """Load the data set into the database of ``env`` and commit."""
    orgs, advisors = _load_users(env)
    params = _parameters(env, orgs, advisors)

    def run(query, **kw):
        env.cr.execute(query, {**params, **kw})

    run("SELECT setseed(0.2026)")
    _load_partners(run, params)
    _load_dossiers(run, params)
    _load_consultations(run, params)
    _load_case_topics_and_activities(env, run)
    _load_events(env, run, params, orgs)
    env.invalidate_all(flush=False)
    env.registry.clear_cache()
    env.cr.commit()


def _load_users(env):
    say("organisations, advisors and a Reporting user (ORM)")
    main = env.ref("base.main_company")
    main.name = "IHK Düsseldorf (bench)"
    orgs = main + env["res.company"].create(
        [
            {"name": "Wirtschaftsförderung Düsseldorf (bench)"},
            {"name": "Wirtschaftsförderung Kreis Mettmann (bench)"},
        ]
    )
    advisor_group = env.ref("expat_service_desk.group_expat_desk_user")
    reporting_group = env.ref("expat_service_desk.group_expat_desk_reporting")
    users = env["res.users"].with_context(no_reset_password=True)
    advisors = users.browse()
    for org in orgs:
        for i in (1, 2):
            advisors |= users.create(
                {
                    "name": f"Advisor {i} {org.name}",
                    "login": f"bench_advisor_{org.id}_{i}",
                    "company_id": org.id,
                    "company_ids": [Command.set([org.id])],
                    "group_ids": [Command.set([advisor_group.id])],
                }
            )
    users.create(
        {
            "name": "Bench Reporting",
            "login": "bench_reporting",
            "company_id": orgs[0].id,
            "company_ids": [Command.set(orgs.ids)],
            "group_ids": [Command.set([reporting_group.id])],
        }
    )
    env.flush_all()
    return orgs, advisors


def _parameters(env, orgs, advisors):
    today = datetime.date.today()
    start = today - datetime.timedelta(days=365 * YEARS)
    stages = env["expat.stage"].search([])
    countries = env["res.country"].search(
        [("code", "in", [c.upper() for c in NATIONALITIES])]
    )
    europe = env.ref("base.europe", raise_if_not_found=False)
    advisor_of_org = {
        org.id: advisors.filtered(lambda u, org=org: u.company_id == org).ids
        for org in orgs
    }
    return {
        "orgs": orgs.ids,
        "munis": env["expat.municipality"].search([]).ids,
        "stages": stages.ids,
        "closed": stages.filtered("is_closed").ids,
        "topics": env["expat.topic"].search([]).ids,
        "countries": countries.ids,
        "eu": europe.country_ids.ids if europe else [],
        "advisors": [advisor_of_org[o] for o in orgs.ids],
        "today": today,
        "start": start,
        "days": (today - start).days,
    }


def _load_partners(run, params):
    municipalities = params["munis"]

    say(f"{N_COMPANIES} companies and {N_PERSONS} individuals (SQL)")
    # Helper tables map the data set's numbers (1..n) to database ids.
    run(
        f"""
        CREATE TEMP TABLE bench_company ON COMMIT DROP AS
        SELECT g AS n, nextval('res_partner_id_seq')::int AS id
          FROM generate_series(1, {N_COMPANIES}) g;
        CREATE TEMP TABLE bench_person ON COMMIT DROP AS
        SELECT g AS n, nextval('res_partner_id_seq')::int AS id
          FROM generate_series(1, {N_PERSONS}) g
        """
    )
    run(
        f"""
        INSERT INTO res_partner (id, name, complete_name, commercial_partner_id,
               is_company, type, active, lang, partner_share, country_id,
               municipality_id, company_size, ihk_member, city,
               create_uid, write_uid, create_date, write_date)
        SELECT b.id, 'Bench Company ' || lpad(b.n::text, 5, '0'),
               'Bench Company ' || lpad(b.n::text, 5, '0'), b.id,
               TRUE, 'contact', TRUE, 'en_US', TRUE,
               (SELECT id FROM res_country WHERE code = 'DE'),
               (%(munis)s::int[])[1 + floor(random() * {len(municipalities)})::int],
               ({sql_array(SIZES)})[1 + floor(random() * {len(SIZES)})::int],
               random() < 0.6, 'Düsseldorf', 1, 1, now(), now()
          FROM bench_company b;
        INSERT INTO res_partner (id, name, complete_name, commercial_partner_id,
               is_company, type, active, lang, partner_share, municipality_id,
               email, email_normalized, create_uid, write_uid, create_date,
               write_date)
        SELECT b.id, 'Bench Person ' || lpad(b.n::text, 5, '0'),
               'Bench Person ' || lpad(b.n::text, 5, '0'), b.id,
               FALSE, 'contact', TRUE, 'en_US', TRUE,
               CASE WHEN random() < 0.9 THEN
                   (%(munis)s::int[])[1 + floor(random() * {len(municipalities)})::int]
               END,
               'person' || b.n || '@bench.example', 'person' || b.n || '@bench.example',
               1, 1, now(), now()
          FROM bench_person b
        """
    )


def _load_dossiers(run, params):
    municipalities = params["munis"]
    stages = params["stages"]
    countries = params["countries"]
    say(f"{N_CONTACTS} company contacts and {N_CASES} cases (SQL)")
    # Contacts 1..1800 advise companies 1..1800; contacts 1801..2000 advise
    # companies 1..200 again, from another organisation.
    run(
        f"""
        CREATE TEMP TABLE bench_contact ON COMMIT DROP AS
        SELECT g AS n, nextval('expat_company_contact_id_seq')::int AS id,
               1 + (g - 1) %% 1800 AS company_n,
               1 + floor(random() * {N_ORGS})::int AS org_i,
               (%(today)s::date - floor(random() * %(days)s)::int) AS opened
          FROM generate_series(1, {N_CONTACTS}) g;
        INSERT INTO expat_company_contact (id, name, partner_id, company_id,
               user_id, stage_id, opened_date, closed_date, municipality_id,
               channel, priority, active, is_shared, planned_hire_count,
               date_last_stage_update, create_uid, write_uid, create_date,
               write_date)
        SELECT c.id, 'CC/BENCH/' || lpad(c.n::text, 5, '0'), p.id,
               (%(orgs)s::int[])[c.org_i],
               (%(advisors)s::int[])[c.org_i][1 + floor(random() * 2)::int],
               s.stage, c.opened,
               CASE WHEN s.stage = ANY(%(closed)s) THEN c.opened + 30 END,
               p.municipality_id, 'in_person', '0', TRUE, FALSE,
               floor(random() * 10)::int, now(), 1, 1, now(), now()
          FROM bench_contact c
          JOIN bench_company bc ON bc.n = c.company_n
          JOIN res_partner p ON p.id = bc.id
         CROSS JOIN LATERAL (SELECT (%(stages)s::int[])[
               1 + floor(random() * {len(stages)} + c.n * 0)::int] AS stage) s
        """
    )
    # Cases 1..17000 belong to persons 1..17000, the other 3000 to persons
    # who already have one (several cases per person). 30 % hang off a
    # company contact (its company is the employer), 45 % name an employer
    # only, the rest none.
    run(
        f"""
        CREATE TEMP TABLE bench_case ON COMMIT DROP AS
        SELECT g AS n, nextval('expat_case_id_seq')::int AS id,
               CASE WHEN g <= {N_PERSONS} THEN g
                    ELSE 1 + floor(random() * {N_PERSONS})::int END AS person_n,
               random() AS r_employer,
               1 + floor(random() * {N_CONTACTS})::int AS contact_n,
               1 + floor(random() * {N_COMPANIES})::int AS company_n,
               1 + floor(random() * {N_ORGS})::int AS org_i,
               (%(today)s::date - floor(random() * %(days)s)::int) AS opened
          FROM generate_series(1, {N_CASES}) g;
        INSERT INTO expat_case (id, name, person_id, employer_id,
               company_contact_id, company_id, user_id, stage_id, opened_date,
               closed_date, municipality_id, nationality_id,
               residence_status, qualification_level, channel, priority,
               legal_basis, active, is_shared, anonymized,
               date_last_stage_update, create_uid, write_uid, create_date,
               write_date)
        SELECT k.id, 'EC/BENCH/' || lpad(k.n::text, 5, '0'), bp.id,
               CASE WHEN k.r_employer < 0.30 THEN cc.partner_id
                    WHEN k.r_employer < 0.75 THEN bco.id END,
               CASE WHEN k.r_employer < 0.30 THEN cc.id END,
               CASE WHEN k.r_employer < 0.30 THEN cc.company_id
                    ELSE (%(orgs)s::int[])[k.org_i] END,
               NULL, s.stage, k.opened,
               CASE WHEN s.stage = ANY(%(closed)s) THEN k.opened + 60 END,
               CASE WHEN random() < 0.92 THEN
                   (%(munis)s::int[])[1 + floor(random() * {len(municipalities)})::int]
               END,
               CASE WHEN random() < 0.9 THEN
                   (%(countries)s::int[])[1 + floor(random() * {len(countries)})::int]
               END,
               CASE WHEN random() < 0.9 THEN
                   ({sql_array(RESIDENCE)})[1 + floor(random() * {len(RESIDENCE)})::int]
               END,
               'academic', 'email', '0', 'public_task', random() > 0.02,
               FALSE, FALSE, now(), 1, 1, now(), now()
          FROM bench_case k
          JOIN bench_person bp ON bp.n = k.person_n
          JOIN bench_company bco ON bco.n = k.company_n
          JOIN bench_contact bcc ON bcc.n = k.contact_n
          JOIN expat_company_contact cc ON cc.id = bcc.id
         CROSS JOIN LATERAL (SELECT (%(stages)s::int[])[
               1 + floor(random() * {len(stages)} + k.n * 0)::int] AS stage) s;
        UPDATE expat_case k
           SET user_id = (%(advisors)s::int[])[
                   array_position(%(orgs)s::int[], k.company_id)][
                   1 + (k.id %% 2)]
         WHERE k.name LIKE 'EC/BENCH/%%'
        """
    )


def _load_consultations(run, params):
    topics = params["topics"]
    say(
        f"{N_CASE_CONSULTATIONS + N_CONTACT_CONSULTATIONS} consultations with "
        "their report dimensions and topics (SQL)"
    )
    # Every dossier has one consultation, the others go to random dossiers;
    # a consultation falls between the dossier's opening and today.
    run(
        f"""
        INSERT INTO expat_consultation (case_id, company_contact_id, date,
               duration, channel, user_id, company_id, organisation_id,
               person_id, municipality_id, company_size, nationality_id,
               nationality_area, residence_status, dossier_type, is_first,
               create_uid, write_uid, create_date, write_date)
        SELECT k.id, NULL,
               k.opened_date
                   + floor(random() * (%(today)s::date - k.opened_date + 1))::int,
               (1 + floor(random() * 8)) * 0.25,
               ({sql_array(CHANNELS)})[1 + floor(random() * {len(CHANNELS)})::int],
               k.user_id, k.company_id, k.employer_id, k.person_id,
               k.municipality_id, emp.company_size, k.nationality_id,
               CASE WHEN k.nationality_id IS NULL THEN NULL
                    WHEN k.nationality_id = ANY(%(eu)s::int[]) THEN 'eu'
                    ELSE 'non_eu' END,
               k.residence_status, 'individual', FALSE, 1, 1, now(), now()
          FROM (SELECT CASE WHEN g <= {N_CASES} THEN g
                            ELSE 1 + floor(random() * {N_CASES})::int END AS case_n
                  FROM generate_series(1, {N_CASE_CONSULTATIONS}) g) x
          JOIN bench_case bk ON bk.n = x.case_n
          JOIN expat_case k ON k.id = bk.id
          LEFT JOIN res_partner emp ON emp.id = k.employer_id;
        INSERT INTO expat_consultation (case_id, company_contact_id, date,
               duration, channel, user_id, company_id, organisation_id,
               person_id, municipality_id, company_size, nationality_id,
               nationality_area, residence_status, dossier_type, is_first,
               create_uid, write_uid, create_date, write_date)
        SELECT NULL, cc.id,
               cc.opened_date
                   + floor(random() * (%(today)s::date - cc.opened_date + 1))::int,
               (1 + floor(random() * 8)) * 0.25,
               ({sql_array(CHANNELS)})[1 + floor(random() * {len(CHANNELS)})::int],
               cc.user_id, cc.company_id, cc.partner_id, NULL,
               cc.municipality_id, p.company_size, NULL, NULL, NULL,
               'company', FALSE, 1, 1, now(), now()
          FROM (SELECT CASE WHEN g <= {N_CONTACTS} THEN g
                            ELSE 1 + floor(random() * {N_CONTACTS})::int
                        END AS contact_n
                  FROM generate_series(1, {N_CONTACT_CONSULTATIONS}) g) x
          JOIN bench_contact bc ON bc.n = x.contact_n
          JOIN expat_company_contact cc ON cc.id = bc.id
          JOIN res_partner p ON p.id = cc.partner_id;
        UPDATE expat_consultation c SET is_first = TRUE
          FROM (SELECT DISTINCT ON (case_id, company_contact_id) id
                  FROM expat_consultation
                 ORDER BY case_id, company_contact_id, date, id) f
         WHERE f.id = c.id;
        INSERT INTO expat_consultation_expat_topic_rel (expat_consultation_id,
               expat_topic_id)
        SELECT c.id, (%(topics)s::int[])[1 + floor(random() * {len(topics)})::int]
          FROM expat_consultation c
        UNION
        SELECT c.id, (%(topics)s::int[])[1 + floor(random() * {len(topics)})::int]
          FROM expat_consultation c
         WHERE random() < 0.4
        """
    )


def _load_case_topics_and_activities(env, run):
    """Topics on every case (one or two) and an open to-do on one case in
    ten, for the kanban cards and the list's activity column."""
    say("case topics and open activities (SQL)")
    todo = env.ref("mail.mail_activity_data_todo")
    run(
        """
        INSERT INTO expat_case_expat_topic_rel (expat_case_id, expat_topic_id)
        SELECT k.id, (%(topics)s::int[])[1 + floor(random() * %(n_topics)s)::int]
          FROM expat_case k
        UNION
        SELECT k.id, (%(topics)s::int[])[1 + floor(random() * %(n_topics)s)::int]
          FROM expat_case k
         WHERE random() < 0.5;
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
               activity_type_id, summary, date_deadline, user_id, user_tz,
               active, automated, create_uid, write_uid, create_date,
               write_date)
        SELECT %(model_id)s, 'expat.case', k.id, k.name, %(todo)s,
               'Call back', %(today)s::date - 20 + floor(random() * 40)::int,
               k.user_id, 'Europe/Berlin', TRUE, FALSE, 1, 1, now(), now()
          FROM expat_case k
         WHERE k.active AND random() < 0.1
        """,
        n_topics=len(env["expat.topic"].search([])),
        model_id=env["ir.model"]._get_id("expat.case"),
        todo=todo.id,
    )


def _load_events(env, run, params, orgs):
    start = params["start"]
    say(f"{N_EVENTS} desk events (ORM) and their registrations (SQL)")
    events = env["event.event"].with_context(tracking_disable=True)
    vals_list = []
    for i in range(N_EVENTS + 3):
        offset = 15 + i * (params["days"] - 30) // (N_EVENTS + 3)
        day = start + datetime.timedelta(days=offset)
        # One event starts at 23:30 UTC: the next day in Berlin.
        hour = datetime.time(23, 30) if i == 7 else datetime.time(16, 0)
        begin = datetime.datetime.combine(day, hour)
        vals_list.append(
            {
                "name": f"Bench event {i + 1:02d}",
                "date_begin": begin,
                "date_end": begin + datetime.timedelta(hours=2),
                "date_tz": "Europe/Berlin",
                "company_id": orgs[i % N_ORGS].id,
                "is_expat_desk": i < N_EVENTS + 1,  # the last two are not desk events
                "target_group": "both",
            }
        )
    events = events.create(vals_list)
    env.flush_all()
    # One desk event cancelled, one archived: neither counts.
    run(
        "UPDATE event_event SET kanban_state = 'cancel' WHERE id = %(a)s;"
        "UPDATE event_event SET active = FALSE WHERE id = %(b)s",
        a=events[3].id,
        b=events[N_EVENTS].id,
    )
    # About 1,000 attended registrations of counted desk events: individuals
    # (with their employer) and companies registering as such.
    run(
        """
        INSERT INTO event_registration (event_id, partner_id, employer_id,
               company_id, name, email, state, active, create_uid, write_uid,
               create_date, write_date)
        SELECT e.id, CASE WHEN x.r < 0.7 THEN bp.id ELSE bc.id END, bc.id,
               e.company_id, p.name, p.email,
               CASE WHEN random() < 0.85 THEN 'done' ELSE 'open' END,
               random() > 0.02, 1, 1, now(), now()
          FROM event_event e
         CROSS JOIN LATERAL (
               SELECT g, random() AS r,
                      1 + floor(random() * 17000 + e.id * 0)::int AS person_n,
                      1 + floor(random() * 3000 + e.id * 0)::int AS company_n
                 FROM generate_series(1, 40) g) x
          JOIN bench_person bp ON bp.n = x.person_n
          JOIN bench_company bc ON bc.n = x.company_n
          JOIN res_partner p
            ON p.id = CASE WHEN x.r < 0.7 THEN bp.id ELSE bc.id END
         WHERE e.id = ANY(%(events)s)
        """,
        events=events.ids,
    )


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

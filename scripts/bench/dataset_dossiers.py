"""Loading the cases, company contacts and consultations of the
benchmark's data set (SQL), with the report dimensions stored on the
consultation."""

from dataset_spec import (
    CHANNELS,
    N_CASE_CONSULTATIONS,
    N_CASES,
    N_COMPANIES,
    N_CONTACT_CONSULTATIONS,
    N_CONTACTS,
    N_ORGS,
    N_PERSONS,
    RESIDENCE,
    say,
    sql_array,
)


def load_dossiers(run, params):
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
        INSERT INTO expat_company_contact (id, name, partner_id, partner_name,
               company_size, contact_person_id, contact_person_name, company_id,
               user_id, stage_id, opened_date, closed_date, municipality_id,
               channel, priority, active, is_shared, planned_hire_count,
               date_last_stage_update, create_uid, write_uid, create_date,
               write_date)
        SELECT c.id, 'CC/BENCH/' || lpad(c.n::text, 5, '0'), p.id,
               p.complete_name, p.company_size, cp.id, cpp.name,
               (%(orgs)s::int[])[c.org_i],
               (%(advisors)s::int[])[c.org_i][1 + floor(random() * 2)::int],
               s.stage, c.opened,
               CASE WHEN s.stage = ANY(%(closed)s) THEN c.opened + 30 END,
               p.municipality_id, 'in_person', '0', TRUE, FALSE,
               floor(random() * 10)::int, now(), 1, 1, now(), now()
          FROM bench_contact c
          JOIN bench_company bc ON bc.n = c.company_n
          JOIN res_partner p ON p.id = bc.id
          LEFT JOIN bench_company_person cp ON cp.company_n = c.company_n
          LEFT JOIN res_partner cpp ON cpp.id = cp.id
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
        INSERT INTO expat_case (id, name, person_id, person_name, employer_id,
               company_contact_id, company_id, user_id, stage_id, opened_date,
               closed_date, municipality_id, nationality_id,
               residence_status, qualification_level, channel, priority,
               legal_basis, active, is_shared, anonymized,
               date_last_stage_update, create_uid, write_uid, create_date,
               write_date)
        SELECT k.id, 'EC/BENCH/' || lpad(k.n::text, 5, '0'), bp.id, pp.name,
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
          JOIN res_partner pp ON pp.id = bp.id
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


def load_consultations(run, params):
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

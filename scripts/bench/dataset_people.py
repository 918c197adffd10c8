"""Loading the organisations, their users (ORM) and the companies and
individuals (SQL) of the benchmark's data set."""

import datetime

from odoo.fields import Command

from dataset_spec import (
    N_COMPANIES,
    N_PERSONS,
    NATIONALITIES,
    SIZES,
    YEARS,
    say,
    sql_array,
)


def load_users(env):
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


def parameters(env, orgs, advisors):
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


def load_partners(run, params):
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
          FROM generate_series(1, {N_PERSONS}) g;
        -- The contact person of 85 in 100 companies (the company
        -- contact's default contact person).
        CREATE TEMP TABLE bench_company_person ON COMMIT DROP AS
        SELECT b.n AS company_n, nextval('res_partner_id_seq')::int AS id
          FROM bench_company b WHERE random() < 0.85
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
          FROM bench_person b;
        INSERT INTO res_partner (id, name, complete_name, parent_id,
               commercial_partner_id, commercial_company_name, is_company, type,
               active, lang, partner_share, email, email_normalized,
               create_uid, write_uid, create_date, write_date)
        SELECT cp.id, 'Contact Person ' || lpad(cp.company_n::text, 5, '0'),
               c.name || ', Contact Person ' || lpad(cp.company_n::text, 5, '0'),
               c.id, c.id, c.name, FALSE, 'contact', TRUE, 'en_US', TRUE,
               'hr' || cp.company_n || '@company.bench.example',
               'hr' || cp.company_n || '@company.bench.example',
               1, 1, now(), now()
          FROM bench_company_person cp
          JOIN bench_company b ON b.n = cp.company_n
          JOIN res_partner c ON c.id = b.id
        """
    )

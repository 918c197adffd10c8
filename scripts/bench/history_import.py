"""Speed of the history import (Configuration > Import History), part of
./scripts/benchmark: a CSV of the desk's history (20,000 consultations of
1,700 individuals and 800 companies over 2023-2025) imported as the
administrator, rolled back afterwards. Goal: >= 200 rows per second.
"""

import base64
import csv
import io
import random
import time
from datetime import date, timedelta

FIRST = "Ana Chen Priya Tomasz Kavya Arjun Omar Lea Yuki Mateo Sara Ivan".split()
LAST = "Souza Wei Raman Nowak Mehta Haddad Kim Rossi Silva Novak Tanaka".split()
TOPICS = ["residence", "blue_card", "recognition", "housing", "schools", "language"]
COMPANY_TOPICS = ["recruiting", "onboarding", "work_permit", "skilled_worker"]
COUNTRIES = ["IN", "BR", "PL", "CN", "TR", "UA", "US", "EG", "VN", "CO"]
MUNICIPALITIES = ["Düsseldorf", "Ratingen", "Hilden", "Mettmann", "Velbert", "Haan"]
CHANNELS = ["in_person", "phone", "email", "video"]
HEADER = [
    "date",
    "kind",
    "name",
    "email",
    "phone",
    "nationality",
    "employer",
    "municipality",
    "topics",
    "duration",
    "channel",
    "organisation",
]


def build_csv(rows, organisations, persons=1700, companies=800, seed=16):
    """The file's bytes: a fifth of the rows about companies, the rest
    about individuals; every party with its organisation."""
    rng = random.Random(seed)
    start, days = date(2023, 1, 1), 3 * 365 - 1
    company_list = [
        (f"Firma {index:04d} {rng.choice(LAST)} GmbH", rng.choice(organisations))
        for index in range(companies)
    ]
    person_list = []
    for index in range(persons):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {index:04d}"
        person_list.append(
            {
                "name": name,
                "email": f"person{index:04d}@example.com" if rng.random() < 0.8 else "",
                "phone": f"+49 151 {5550000 + index}" if rng.random() < 0.5 else "",
                "nationality": rng.choice(COUNTRIES),
                "employer": rng.choice(company_list)[0] if rng.random() < 0.6 else "",
                "municipality": rng.choice(MUNICIPALITIES),
                "organisation": rng.choice(organisations),
            }
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for _index in range(rows):
        when = start + timedelta(days=rng.randint(0, days))
        duration = rng.choice(["0,5", "1", "1,5", "2"])
        channel = rng.choice(CHANNELS)
        if rng.random() < 0.2:
            name, organisation = rng.choice(company_list)
            writer.writerow(
                [
                    when.strftime("%d.%m.%Y"),
                    "company",
                    name,
                    "",
                    "",
                    "",
                    "",
                    rng.choice(MUNICIPALITIES),
                    rng.choice(COMPANY_TOPICS),
                    duration,
                    channel,
                    organisation,
                ]
            )
            continue
        person = rng.choice(person_list)
        writer.writerow(
            [
                when.isoformat(),
                "individual",
                person["name"],
                person["email"],
                person["phone"],
                person["nationality"],
                person["employer"],
                person["municipality"],
                ",".join(rng.sample(TOPICS, rng.randint(1, 2))),
                duration,
                channel,
                person["organisation"],
            ]
        )
    return out.getvalue().encode()


IMPORT_RUNS = (("dry run", True), ("import", False), ("same file again", False))


def import_runs(env, rows=20_000):
    """Dry run, import and re-import of a generated file of ``rows`` rows.

    :param env: a superuser environment on the benchmark database
    :param rows: consultations in the file
    :return: list of (label, seconds, rows per second, wizard counts dict),
        in one transaction that the caller rolls back
    """
    admin = env.ref("base.user_admin")
    companies = env["res.company"].search([], order="id")
    admin.company_ids |= companies  # rolled back with the rest
    env = env(
        user=admin,
        context=dict(env.context, allowed_company_ids=companies.ids, lang="en_US"),
    )
    data = build_csv(rows, companies.mapped("name"))
    figures = []
    for label, dry_run in IMPORT_RUNS:
        wizard = env["expat.history.import"].create(
            {
                "file": base64.b64encode(data),
                "file_name": "benchmark.csv",
                "company_id": companies[:1].id,
                "dry_run": dry_run,
                "close_dossiers": True,
                "close_before": "2025-07-01",
            }
        )
        started = time.perf_counter()
        wizard.action_import()
        env.flush_all()
        seconds = time.perf_counter() - started
        counts = {
            "persons": wizard.created_person_count,
            "cases": wizard.created_case_count,
            "company contacts": wizard.created_company_contact_count,
            "consultations": wizard.created_consultation_count,
            "skipped": wizard.skipped_count,
            "refused": wizard.error_count,
        }
        figures.append((label, seconds, rows / seconds, counts))
    return figures

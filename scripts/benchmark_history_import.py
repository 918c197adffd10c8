#!/usr/bin/env python3
"""Speed of the history import (Configuration > Import History).

Builds a CSV of the desk's history (by default 20,000 consultations of
1,700 individuals and 800 companies over 2023-2025, for the organisations
of the database), then measures as the administrator, in one transaction
that is rolled back at the end (the database is left as it was):

1. the dry run of the file,
2. the real import,
3. the same file again (everything skipped).

Usage (after ./scripts/setup, on a database holding the addon, e.g. one made
by ./scripts/run or with demo data):

    python3 scripts/benchmark_history_import.py -d expat_desk_demo [--rows N]
"""

import argparse
import base64
import csv
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", default=str(ROOT / ".odoo" / "odoo.conf"))
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        admin = env.ref("base.user_admin")
        companies = admin.company_ids
        env = env(
            user=admin,
            context=dict(env.context, allowed_company_ids=companies.ids),
        )
        data = build_csv(args.rows, companies.mapped("name"))
        figures = []
        for label, dry_run in (
            ("dry run", True),
            ("import", False),
            ("same file again", False),
        ):
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
            figures.append(
                (
                    label,
                    seconds,
                    args.rows / seconds,
                    wizard.created_person_count,
                    wizard.created_company_count,
                    wizard.created_case_count,
                    wizard.created_company_contact_count,
                    wizard.created_consultation_count,
                    wizard.closed_dossier_count,
                    wizard.skipped_count,
                    wizard.error_count,
                )
            )
        cr.rollback()
    print(
        "| run | seconds | rows/s | persons | companies | cases | company "
        "contacts | consultations | closed | skipped | refused |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, seconds, speed, *counts in figures:
        print(
            f"| {label} | {seconds:.1f} | {speed:,.0f} | "
            + " | ".join(f"{count:,}" for count in counts)
            + " |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The desk at production size, measured against hand-written SQL.

    ./scripts/benchmark            fresh database, load the data set, measure, drop it
    ./scripts/benchmark --keep     ... and keep the database afterwards
    ./scripts/benchmark --reuse    measure again on a database kept earlier (no load)
    ./scripts/benchmark --explain  also print EXPLAIN ANALYZE of the measured queries

Measured, ORM against SQL written by hand, same run, median of --repeat runs
after --warmup runs (interleaved, so that load from other processes hits both
alike):

  get_kpis     expat.desk.report.get_kpis() over one calendar year   goal <= 1.5x
  pivot        formatted_read_group(date:month x company_id)          goal <= 2.0x
  pivot view   formatted_read_grouping_sets (what the pivot sends)    goal <= 2.0x
  pages        list and kanban of cases and company contacts as an
               advisor: web_search_read, 80 rows and the pager count  goal <= 3.0x

and the writes: queries of one case created by an advisor (goal <= 8) and
persons anonymised per second (goal >= 150). Both sides must give identical
answers. Exits non-zero when they differ or a goal is missed. See
docs/performance.md.
"""

import argparse
import datetime
import logging
import os
import subprocess
import sys
import time

import odoo.init  # noqa: F401 (Odoo's own set-up, before any other import)

import dataset
import figures
import history_import
import pages
import writes
from measure import (
    Measure,
    compare,
    explain,
    explain_call,
    out,
    print_rows,
    same_answers,
)

ADDON = "expat_service_desk"
PAGE_GOAL = 3.0
CASE_CREATE_GOAL = 8
ANONYMISATION_GOAL = 150.0
HISTORY_IMPORT_GOAL = 200.0  # rows per second


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--conf", required=True, help="Odoo configuration file")
    parser.add_argument("--db", default=os.environ.get("DB", "expat_desk_bench"))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT", 15)))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("WARMUP", 3)))
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept one")
    parser.add_argument("--explain", action="store_true", help="print query plans")
    args = parser.parse_args(argv)
    args.repeat = max(args.repeat, 1)
    args.warmup = max(args.warmup, 0)
    return args


def db_exists(db):
    result = subprocess.run(
        ["psql", "-d", "postgres", "-qtAc", "SELECT datname FROM pg_database"],
        check=True,
        capture_output=True,
        text=True,
    )
    return db in result.stdout.split()


def drop_db(args):
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.sql_db import close_db  # noqa: PLC0415

    # This process's own connections first, or PostgreSQL refuses the drop.
    Registry.delete(args.db)
    close_db(args.db)
    subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    data_dir = odoo_config(args)["data_dir"]
    subprocess.run(["rm", "-rf", f"{data_dir}/filestore/{args.db}"], check=False)


def install(args):
    """Install the addon without demo data into a new database."""
    dataset.say(f"installing {ADDON} without demo data into {args.db}")
    command = [args.python, "-m", "odoo", "-c", args.conf, "-d", args.db]
    command += ["-i", ADDON, "--stop-after-init", "--log-level=warn"]
    result = subprocess.run(command, cwd="/", capture_output=True, text=True)
    if result.returncode:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
        raise SystemExit("[benchmark] installation failed")


def odoo_config(args):
    from odoo.tools import config  # noqa: PLC0415 (after the command line)

    if not config.get("db_name"):
        config.parse_config(
            ["-c", args.conf, "-d", args.db, "--log-level=warn"], setup_logging=True
        )
        logging.getLogger("odoo").setLevel(logging.WARNING)
    return config


def prepare_database(args):
    """Return True when the data set has to be loaded."""
    if args.reuse:
        if not db_exists(args.db):
            raise SystemExit(f"[benchmark] {args.db} does not exist: use --keep first")
        return False
    if db_exists(args.db):
        raise SystemExit(
            f"[benchmark] database {args.db} exists: measure on it with --reuse, "
            f"or drop it (dropdb {args.db})"
        )
    install(args)
    return True


def load(env):
    t0 = time.perf_counter()
    dataset.load(env)
    dataset.say(f"data set loaded in {time.perf_counter() - t0:.1f} s")
    checked, mismatches = dataset.validate(env)
    if mismatches:
        for mismatch in mismatches[:20]:
            dataset.say("consultation %s: %s stored %r, the ORM computes %r" % mismatch)
        dataset.say(f"{len(mismatches)} stored dimensions differ from the ORM")
        raise SystemExit(1)
    dataset.say(f"stored dimensions of {checked} sample consultations match the ORM")
    env.cr.execute("ANALYZE")
    env.cr.commit()


def user_env(env, login, companies):
    user = env["res.users"].search([("login", "=", login)])
    if not user:
        return None
    return env(user=user.id, su=False, context={"allowed_company_ids": companies})


def run_figures(env, args, period):
    """get_kpis and the pivot as the superuser and a Reporting user."""
    envs = [("superuser", env)]
    reporting = user_env(env, "bench_reporting", period["orgs"])
    if reporting:
        envs.append(("Reporting user", reporting))
    failures, rows = [], []
    for who, measured_env in envs:
        report = measured_env["expat.desk.report"]
        measures = figures.figure_measures(report, env.cr, period)
        wrong, answers = figures_answers(measures, who)
        failures += wrong
        rows += compare(measures, who, args.repeat, args.warmup)
        if args.explain and who == envs[-1][0]:
            figures.explain_figures(env.cr, report, period)
    return failures, rows


def figures_answers(measures, who):
    failures, answers = same_answers(measures, who)
    if who == "superuser":
        out(f"\nget_kpis: {answers['get_kpis']}")
        pivot = answers["pivot (formatted_read_group)"]
        out(
            f"pivot: {len(pivot)} groups (month x organisation) over "
            f"{sum(v[0] for v in pivot.values()):,} report rows"
        )
    return failures, answers


def run_pages(env, args, advisor_env):
    """The list and kanban pages as an advisor of one organisation."""
    measures = [
        Measure(label, orm, sql, PAGE_GOAL, orm_table, sql_table)
        for label, orm, sql, orm_table, sql_table in pages.page_measures(advisor_env)
    ]
    failures, answers = same_answers(measures, "advisor")
    for label, (ids, length) in answers.items():
        out(f"{label}: {len(ids)} rows, pager count {length:,}")
    rows = compare(measures, "advisor", args.repeat, args.warmup)
    if args.explain:
        for model_name in pages.DOSSIERS:
            model = advisor_env[model_name]
            spec = pages.view_specification(model, "kanban")
            explain_call(
                env.cr,
                f"{model_name} kanban page",
                lambda model=model, spec=spec: pages.page_orm(model, spec),
            )
            rows_sql, count_sql = pages.page_sql(model_name, "kanban")
            params = {
                "companies": advisor_env.context["allowed_company_ids"],
                "limit": pages.LIMIT,
                "count_limit": pages.COUNT_LIMIT,
            }
            explain(env.cr, f"{model_name} kanban rows by hand", rows_sql, params)
            explain(env.cr, f"{model_name} count by hand", count_sql, params)
    return failures, rows


def run_writes(env, advisor_env):
    """Case create as an advisor and the anonymisation rate."""
    failures = []
    person = writes.persons_to_anonymise(env, 1).with_env(advisor_env)
    queries = writes.case_create_queries(advisor_env, person)
    verdict = "ok" if queries <= CASE_CREATE_GOAL else "MISSED"
    out(f"case create (advisor): {queries} queries, goal <= {CASE_CREATE_GOAL}")
    out(f"  {verdict}")
    if queries > CASE_CREATE_GOAL:
        failures.append(f"case create: {queries} queries, goal {CASE_CREATE_GOAL}")
    env.cr.rollback()
    persons, seconds, rate = writes.anonymisation_rate(env)
    verdict = "ok" if rate >= ANONYMISATION_GOAL else "MISSED"
    out(
        f"anonymisation: {persons} persons in {seconds:.2f} s = {rate:.0f} "
        f"persons/s, goal >= {ANONYMISATION_GOAL:.0f}  {verdict}"
    )
    if rate < ANONYMISATION_GOAL:
        failures.append(
            f"anonymisation: {rate:.0f} persons/s, goal {ANONYMISATION_GOAL}"
        )
    env.cr.rollback()
    return failures + run_history_import(env)


def run_history_import(env):
    """Import 20,000 rows of history (dry run, import, same file again)."""
    failures = []
    for label, seconds, rate, counts in history_import.import_runs(env):
        created = ", ".join(f"{key} {value:,}" for key, value in counts.items())
        out(f"history import, {label}: {seconds:.1f} s = {rate:,.0f} rows/s")
        out(f"  created: {created}")
        if label == "import" and rate < HISTORY_IMPORT_GOAL:
            failures.append(
                f"history import: {rate:.0f} rows/s, goal {HISTORY_IMPORT_GOAL}"
            )
    env.cr.rollback()
    out(f"  goal >= {HISTORY_IMPORT_GOAL:.0f} rows/s for the import")
    return failures


def measure_all(env, args):
    sizes = dataset.counts(env)
    out("\nData set")
    for label, value in sizes.items():
        out(f"  {label:<40}{value:>10,}")
    orgs = env["res.company"].search([], order="id")
    last_year = datetime.date.today().year - 1
    period = {
        "date_from": datetime.date(last_year, 1, 1),
        "date_to": datetime.date(last_year, 12, 31),
        "orgs": orgs.ids,
    }
    out(
        f"\nPeriod {period['date_from']} .. {period['date_to']}, organisations "
        f"{orgs.ids}; median of {args.repeat} runs after {args.warmup} warm-up "
        "runs, ms"
    )
    failures, rows = run_figures(env, args, period)
    advisor = env["res.users"].search(
        [("login", "=like", "bench_advisor_%")], order="id", limit=1
    )
    advisor_env = env(
        user=advisor.id,
        su=False,
        context={"allowed_company_ids": advisor.company_ids.ids},
    )
    out()
    page_failures, page_rows = run_pages(env, args, advisor_env)
    out()
    print_rows(rows + page_rows)
    out()
    failures += page_failures + run_writes(env, advisor_env)
    failures += [
        f"{row.label} ({row.who}): {row.ratio:.2f}x, goal {row.goal}x"
        for row in rows + page_rows
        if not row.ok
    ]
    return failures


def main(argv):
    args = parse_args(argv)
    must_load = prepare_database(args)
    try:
        return measure(args, must_load)
    finally:
        if must_load and not args.keep:
            drop_db(args)


def measure(args, must_load):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo_config(args)
    registry = Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if must_load:
            load(env)
            env = api.Environment(cr, SUPERUSER_ID, {})
        failures = measure_all(env, args)
        cr.rollback()
    if failures:
        out()
        for failure in failures:
            out(f"FAILED: {failure}")
        return 1
    out("\nall goals met, ORM and hand-written SQL agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Prepare the load test's database (run with Odoo's interpreter).

Creates ``--users`` advisors ``load_advisor_NNN`` (password = login) spread
over the organisations that own demo cases, and writes a JSON file with what
the simulated advisors need: their logins, the open cases of their
organisation (to log consultations and post notes on), and the field
specifications the web client sends for the case kanban and form, built
from the views an advisor gets.
"""

import argparse
import datetime
import json
import sys

import odoo.init  # noqa: F401 (Odoo's own set-up, before any other import)
from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config


def view_specification(model, view_type):
    """The specification the web client sends for the view that ``model``'s
    user gets: the addon's ``tests/web_specification.py``, shared with the
    query-count guards and the benchmark."""
    from odoo.addons.expat_service_desk.tests import web_specification

    return web_specification.view_specification(model, view_type)


def create_advisors(env, count):
    """``count`` advisors over the organisations owning open demo cases."""
    env.cr.execute(
        """
        SELECT k.company_id FROM expat_case k
          JOIN expat_stage s ON s.id = k.stage_id
         WHERE k.active AND s.is_closed IS NOT TRUE
         GROUP BY k.company_id ORDER BY count(*) DESC, k.company_id
        """
    )
    organisations = [row[0] for row in env.cr.fetchall()]
    group = env.ref("expat_service_desk.group_expat_desk_user")
    users = env["res.users"].with_context(no_reset_password=True)
    result = []
    for index in range(count):
        login = f"load_advisor_{index:03d}"
        org = organisations[index % len(organisations)]
        user = users.search([("login", "=", login)])
        if not user:
            user = users.create(
                {
                    "name": f"Load Advisor {index:03d}",
                    "login": login,
                    "password": login,
                    "company_id": org,
                    "company_ids": [Command.set([org])],
                    "group_ids": [Command.set([group.id])],
                    "tz": "Europe/Berlin",
                }
            )
        result.append({"login": login, "uid": user.id, "company_id": org})
    return organisations, result


def open_cases(env, organisations):
    cases = env["expat.case"].search(
        [("company_id", "in", organisations), *env["expat.case"]._expat_open_domain()]
    )
    by_org = {org: [] for org in organisations}
    for case in cases:
        by_org[case.company_id.id].append(case.id)
    return by_org


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    config.parse_config(["-c", args.conf, "-d", args.db, "--log-level=warn"])
    with Registry(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        organisations, advisors = create_advisors(env, args.users)
        cases = open_cases(env, organisations)
        cr.commit()
        advisor_env = env(
            user=advisors[0]["uid"],
            su=False,
            context={"allowed_company_ids": [advisors[0]["company_id"]]},
        )
        today = datetime.date.today()
        data = {
            "advisors": [
                {**advisor, "open_case_ids": cases[advisor["company_id"]]}
                for advisor in advisors
            ],
            "kanban_spec": view_specification(advisor_env["expat.case"], "kanban"),
            "form_spec": view_specification(advisor_env["expat.case"], "form"),
            "date_from": (today - datetime.timedelta(days=365)).isoformat(),
            "date_to": today.isoformat(),
        }
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(data, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

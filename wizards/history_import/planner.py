"""The plan of an import: the rows checked and fingerprinted, persons and
companies identified, dossiers found or planned, and the dossiers to close;
nothing is written (a dry run stops here)."""

from collections import Counter

from odoo.tools import split_every

from .common import BATCH_SIZE, Pending, RowError
from .rows import parse_row, row_key, row_lookups


def make_plan(wizard, raw_rows):
    """Check the rows and decide what to create, without writing.

    :return: dict with ``rows`` (the checked new rows, each with its
        ``key`` and ``dossier``), ``refused`` (row number, reason),
        ``skipped`` (rows imported before), ``persons``, ``companies``,
        ``cases``, ``company_contacts`` (Pending records to create) and
        ``to_close`` ({dossier reference: closing date})
    """
    env = wizard.env
    lookups = row_lookups(wizard)
    refused = []
    checked = []
    occurrences = Counter()
    for number, raw in raw_rows:
        try:
            row = parse_row(env, raw, lookups)
        except RowError as error:
            refused.append((number, str(error.args[0])))
            continue
        base = row_key(row, 0)
        row["key"] = row_key(row, occurrences[base])
        occurrences[base] += 1
        row["number"] = number
        checked.append(row)
    existing = set()
    consultations = env["expat.consultation"].sudo()
    for keys in split_every(BATCH_SIZE, [row["key"] for row in checked]):
        existing.update(
            consultations.search_fetch(
                [("import_key", "in", list(keys))], ["import_key"]
            ).mapped("import_key")
        )
    rows = [row for row in checked if row["key"] not in existing]
    plan = {
        "rows": rows,
        "refused": refused,
        "skipped": len(checked) - len(rows),
        "persons": [],
        "companies": [],
        "cases": [],
        "company_contacts": [],
        "to_close": {},
    }
    plan_parties(env, plan)
    plan_dossiers(env, plan)
    plan_closing(wizard, plan)
    plan["refused"].sort()
    return plan


def plan_parties(env, plan):
    """Find or plan the companies (one per name) and persons (one call
    of the identity rules per distinct person)."""
    partners = env["res.partner"]
    fold = partners._expat_normalize_name
    names = set()
    for row in plan["rows"]:
        for name in (
            row["employer"],
            row["name"] if row["kind"] == "company" else "",
        ):
            if name:
                names.add(fold(name))
    companies = {}
    if names:
        # One query; the oldest company of a name wins.
        for company in partners.search_fetch(
            [("is_company", "=", True)], ["name"], order="id desc"
        ):
            key = fold(company.name)
            if key in names:
                companies[key] = company
    # The identity rules once per distinct person, a batch at a time
    # (one search for all the e-mail addresses of the batch).
    identities = {}
    for row in plan["rows"]:
        if row["kind"] == "individual":
            identity = (fold(row["name"]), row["email"], row["phone"])
            identities.setdefault(identity, row)
    persons = {}
    for batch in split_every(BATCH_SIZE, list(identities.items())):
        found = partners._expat_identify_persons(
            [(row["name"], row["email"], row["phone"]) for _key, row in batch]
        )
        persons.update(
            (identity, person)
            for (identity, _row), person in zip(batch, found, strict=True)
        )
    new_persons = {"email": {}, "phone": {}, "name": {}}
    for row in plan["rows"]:
        employer = row["employer"]
        if employer:
            row["employer_ref"] = company_ref(env, employer, companies, plan, None)
        if row["kind"] == "company":
            row["party"] = company_ref(
                env, row["name"], companies, plan, row["municipality"]
            )
            continue
        identity = (fold(row["name"]), row["email"], row["phone"])
        if not persons[identity]:
            persons[identity] = new_person(env, row, new_persons, plan)
        row["party"] = persons[identity]


def new_person(env, row, new_persons, plan):
    """The person a row is about when no existing one is: one planned
    earlier in the file by the same rules as
    ``res.partner._expat_identify_person`` (the e-mail address with a
    name that does not clearly differ, else the phone number with such
    a name, else, with neither, the same name), or a new one."""
    partners = env["res.partner"]
    fold = partners._expat_normalize_name
    if row["email"]:
        bucket = new_persons["email"].setdefault(row["email"], [])
    elif row["phone"]:
        phone = (
            partners._phone_format(number=row["phone"], country=env.company.country_id)
            or row["phone"]
        )
        bucket = new_persons["phone"].setdefault(phone, [])
    else:
        bucket = new_persons["name"].setdefault(fold(row["name"]), [])
    same = [p for p in bucket if fold(p.vals["name"]) == fold(row["name"])]
    alike = [
        p
        for p in bucket
        if not partners._expat_names_differ(p.vals["name"], row["name"])
    ]
    if same or alike:
        return (same or alike)[0]
    person = Pending(
        {
            # As res.partner._expat_find_or_create_person makes them.
            "name": row["name"],
            "email": row["email"] or False,
            "phone": row["phone"] or False,
            "is_company": False,
        }
    )
    bucket.append(person)
    plan["persons"].append(person)
    return person


def company_ref(env, name, companies, plan, municipality):
    """The company of a name: the one found or planned before, else a new
    one planned."""
    key = env["res.partner"]._expat_normalize_name(name)
    if key not in companies:
        companies[key] = Pending(
            {
                "name": name,
                "is_company": True,
                "municipality_id": municipality or False,
            }
        )
        plan["companies"].append(companies[key])
    return companies[key]


def plan_dossiers(env, plan):
    """One company contact per company and organisation, one case per
    person and organisation: the open one, else a new one."""
    rows = plan["rows"]
    contacts = open_dossiers(
        env,
        "expat.company.contact",
        [row.get("employer_ref") for row in rows]
        + [row["party"] for row in rows if row["kind"] == "company"],
        rows,
    )
    cases = open_dossiers(
        env,
        "expat.case",
        [row["party"] for row in rows if row["kind"] == "individual"],
        rows,
    )
    # Company rows first, so that the cases of their employees can be
    # linked to the company contacts they open.
    for row in sorted(
        rows,
        key=lambda row: (row["kind"] != "company", row["date"], row["number"]),
    ):
        organisation = row["organisation"]
        if row["kind"] == "company":
            key = (row["party"], organisation)
            if key not in contacts:
                contacts[key] = Pending(
                    {
                        "partner_ref": row["party"],
                        "company_id": organisation,
                        "opened_date": row["date"],
                        "channel": row["channel"],
                        "municipality_id": row["municipality"] or False,
                        "topic_ids": [],
                        "user_id": False,
                    }
                )
                plan["company_contacts"].append(contacts[key])
            row["dossier"] = contacts[key]
        else:
            key = (row["party"], organisation)
            if key not in cases:
                cases[key] = Pending(
                    {
                        "person_ref": row["party"],
                        "company_id": organisation,
                        "opened_date": row["date"],
                        "channel": row["channel"],
                        "topic_ids": [],
                        "user_id": False,
                    }
                )
                plan["cases"].append(cases[key])
            row["dossier"] = cases[key]
        dossier = row["dossier"]
        if isinstance(dossier, Pending):
            vals = dossier.vals
            for topic in row["topics"]:
                if topic not in vals["topic_ids"]:
                    vals["topic_ids"].append(topic)
            if row["kind"] == "individual":
                # The first value the rows give, in the order of dates.
                for field, value in (
                    ("nationality_id", row["nationality"]),
                    ("municipality_id", row["municipality"]),
                    ("employer_ref", row.get("employer_ref")),
                ):
                    if value and not vals.get(field):
                        vals[field] = value
                employer = vals.get("employer_ref")
                if employer and "company_contact_ref" not in vals:
                    vals["company_contact_ref"] = contacts.get((employer, organisation))


def open_dossiers(env, model, parties, rows):
    """{(party reference, organisation id): open dossier} for the
    existing parties, one query."""
    field = env[model]._expat_party_field
    ids = {party.id for party in parties if party and not isinstance(party, Pending)}
    organisations = {row["organisation"] for row in rows}
    found = {}
    if not ids:
        return found
    for dossier in env[model].search(
        [
            (field, "in", list(ids)),
            ("company_id", "in", list(organisations)),
            *env[model]._expat_open_domain(),
        ]
    ):
        # The model's order puts the most recent first: it wins.
        found.setdefault((dossier[field], dossier.company_id.id), dossier)
    return found


def plan_closing(wizard, plan):
    """The dossiers to close after the import, with the date of their
    last consultation: a status column decides for its rows (the row
    of the last date wins), else the wizard's option."""
    last = {}
    for row in sorted(plan["rows"], key=lambda row: (row["date"], row["number"])):
        last[row["dossier"]] = row
    existing = [dossier for dossier in last if not isinstance(dossier, Pending)]
    last_dates = {}
    for model in ("expat.case", "expat.company.contact"):
        dossiers = [d for d in existing if d._name == model]
        if not dossiers:
            continue
        field = "case_id" if model == "expat.case" else "company_contact_id"
        last_dates.update(
            wizard.env["expat.consultation"]._read_group(
                [(field, "in", [d.id for d in dossiers])], [field], ["date:max"]
            )
        )
    for dossier, row in last.items():
        final = max(row["date"], last_dates.get(dossier) or row["date"])
        if row["status"] == "closed" or (
            not row["status"]
            and wizard.close_dossiers
            and wizard.close_before
            and final < wizard.close_before
        ):
            plan["to_close"][dossier] = final

"""The execution of an import's plan: the records created in batches, the
dossiers closed, and the import marked on the records' chatter."""

from markupsafe import Markup

from odoo import Command
from odoo.tools import split_every

from .common import BATCH_SIZE, Pending, resolve
from .rows import row_lookups


def execute(wizard, plan):
    """Create what the plan says, in batches, and log it on the
    records' chatter."""
    env = wizard.with_context(
        tracking_disable=True,
        mail_create_nolog=True,
        mail_create_nosubscribe=True,
        mail_notrack=True,
        # Tells other features (e.g. messages sent when a dossier is
        # closed) that this is the import of past work.
        expat_history_import=True,
    ).env
    origin = wizard.file_name or wizard.env._("(unnamed file)")
    topics = row_lookups(wizard)["topics"]
    partners = env["res.partner"]
    for pending_list in (plan["companies"], plan["persons"]):
        for batch in split_every(BATCH_SIZE, pending_list):
            created = partners.create([pending.vals for pending in batch])
            for pending, record in zip(batch, created, strict=True):
                pending.record = record
    for model, pending_list in (
        ("expat.company.contact", plan["company_contacts"]),
        ("expat.case", plan["cases"]),
    ):
        for batch in split_every(BATCH_SIZE, pending_list):
            created = env[model].create(
                [dossier_vals(pending, topics) for pending in batch]
            )
            for pending, record in zip(batch, created, strict=True):
                pending.record = record
    consultations = env["expat.consultation"]
    for batch in split_every(BATCH_SIZE, plan["rows"]):
        vals_list = []
        for row in batch:
            dossier = resolve(row["dossier"])
            field = "case_id" if dossier._name == "expat.case" else "company_contact_id"
            vals_list.append(
                {
                    field: dossier.id,
                    "date": row["date"],
                    "duration": row["duration"],
                    "channel": row["channel"],
                    "user_id": False,
                    "topic_ids": [
                        Command.set([topics[code] for code in row["topics"]])
                    ],
                    "import_key": row["key"],
                    "import_origin": origin,
                }
            )
        consultations.create(vals_list)
    close_dossiers(env, plan["to_close"])
    log_chatter(wizard.env, plan, origin)


def dossier_vals(pending, topics):
    """The values to create a planned dossier with: references to records
    created in this import resolved to their ids, topic codes to topics."""
    vals = dict(pending.vals)
    for ref_field, field in (
        ("partner_ref", "partner_id"),
        ("person_ref", "person_id"),
        ("employer_ref", "employer_id"),
        ("company_contact_ref", "company_contact_id"),
    ):
        if ref_field in vals:
            record = resolve(vals.pop(ref_field))
            vals[field] = record.id if record else False
    vals["topic_ids"] = [Command.set([topics[code] for code in vals["topic_ids"]])]
    return vals


def close_dossiers(env, to_close):
    """Close the dossiers of ``to_close`` ({reference: closing date}) that
    are still open, on their dates."""
    closed_stage = env.ref("expat_service_desk.expat_stage_closed")
    by_date = {}
    for dossier, when in to_close.items():
        record = resolve(dossier)
        by_date.setdefault((record._name, when), []).append(record.id)
    for (model, when), ids in by_date.items():
        dossiers = env[model].browse(ids).filtered(lambda d: not d.is_closed)
        dossiers.write({"stage_id": closed_stage.id, "closed_date": when})


def log_chatter(env, plan, origin):
    """Mark what the import created or added to on the chatter."""
    created = env._(
        "Created by the import of the desk's history from the file %(file)s.",
        file=origin,
    )
    created_bodies = {}
    for pending in plan["persons"] + plan["companies"]:
        created_bodies.setdefault(pending.record._name, {})[pending.record.id] = (
            Markup("<p>%s</p>") % created
        )
    added = {}
    for row in plan["rows"]:
        added.setdefault(row["dossier"], []).append(row["number"])
    for ref, numbers in added.items():
        dossier = resolve(ref)
        text = env._(
            "%(count)s consultations imported from the file %(file)s (rows %(rows)s).",
            count=len(numbers),
            file=origin,
            rows=", ".join(map(str, numbers)),
        )
        if isinstance(ref, Pending):
            text = f"{created} {text}"
        created_bodies.setdefault(dossier._name, {})[dossier.id] = (
            Markup("<p>%s</p>") % text
        )
    for model, bodies in created_bodies.items():
        env[model].browse(list(bodies))._message_log_batch(bodies)

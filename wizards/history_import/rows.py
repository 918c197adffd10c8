"""Checking one row of a history file: its values parsed (dates, hours,
codes, names) and looked up, or a RowError with the translated reason."""

import hashlib
import re
from datetime import date, datetime

from odoo import fields
from odoo.tools import email_normalize

from ...models.expat_consultation import MAX_DURATION_HOURS
from .common import (
    CHANNEL_WORDS,
    GERMAN_DATE,
    HOURS,
    ISO_DATE,
    KINDS,
    STATUSES,
    RowError,
    UncalculatedFormula,
    normalize_name,
    normalize_word,
)


def cell_text(env, value):
    """The text of a cell, stripped; RowError for a formula without value."""
    if isinstance(value, UncalculatedFormula):
        raise RowError(
            env._(
                "cell %(cell)s holds a formula that was saved without its "
                "value. Open the file in the spreadsheet program and save "
                "it again, or paste the values.",
                cell=value.coordinate,
            )
        )
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def parse_date(env, value):
    """A date cell or ``YYYY-MM-DD`` / ``DD.MM.YYYY`` text; RowError else."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(env, value)
    if not text:
        raise RowError(env._("the date is missing."))
    match = ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = GERMAN_DATE.match(text)
        if not match:
            raise RowError(
                env._(
                    '"%(value)s" is not a date (YYYY-MM-DD or DD.MM.YYYY).',
                    value=text,
                )
            )
        day, month, year = match.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise RowError(env._('"%(value)s" is not a valid date.', value=text)) from None


def parse_duration(env, value):
    """Hours (``1.5`` or ``1,5``; empty: 0) within the consultation's limit,
    rounded to 2 decimals; RowError else."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        hours = float(value)
    else:
        text = cell_text(env, value)
        if not text:
            return 0.0
        if not HOURS.match(text):
            raise RowError(
                env._(
                    'the duration "%(value)s" is not a number of hours '
                    "(such as 1.5 or 1,5).",
                    value=text,
                )
            )
        hours = float(text.replace(",", "."))
    if not 0 <= hours <= MAX_DURATION_HOURS:
        raise RowError(
            env._(
                "the duration must be between 0 and %(max)s hours "
                "(entered: %(value)s).",
                max=int(MAX_DURATION_HOURS),
                value=hours,
            )
        )
    return round(hours, 2)


def lookup(env, mapping, value, message):
    """The value of ``mapping`` for the cell's word (False when empty);
    RowError with ``message`` (its ``%(value)s`` the cell) when unknown."""
    text = cell_text(env, value)
    if not text:
        return False
    found = mapping.get(normalize_word(text))
    if found is None:
        raise RowError(message % {"value": text})
    return found


def parse_row(env, raw, lookups):
    """The checked values of one row; RowError with the reason.

    :param raw: {column key: raw cell value}
    :param lookups: what the values are checked against (``row_lookups``)
    :return: dict with ``date``, ``kind``, ``name``, ``email`` (normalised),
        ``phone``, ``nationality``, ``municipality``, ``organisation`` (ids
        or False), ``employer`` (a name), ``topics`` (codes), ``duration``
        (hours), ``channel`` and ``status``
    """

    def text(value):
        return cell_text(env, value)

    kind = lookup(
        env,
        KINDS,
        raw.get("kind"),
        env._(
            'the kind "%(value)s" is unknown (individual or company, '
            "Person or Unternehmen)."
        ),
    )
    if not kind:
        raise RowError(env._("the kind is missing (individual or company)."))
    when = parse_date(env, raw.get("date"))
    if when > lookups["today"]:
        raise RowError(
            env._(
                "the date %(date)s lies in the future.",
                date=when.strftime("%d.%m.%Y"),
            )
        )
    name = " ".join(text(raw.get("name")).split())
    if not name:
        raise RowError(env._("the name is missing."))
    email = text(raw.get("email"))
    if email:
        normalized = email_normalize(email, strict=True)
        if not normalized:
            raise RowError(
                env._('"%(value)s" is not one valid e-mail address.', value=email)
            )
        email = normalized
    phone = text(raw.get("phone"))
    nationality = lookup(
        env,
        lookups["countries"],
        raw.get("nationality"),
        env._(
            'the nationality "%(value)s" is not an ISO 3166 country code '
            "(two letters, such as DE or IN)."
        ),
    )
    municipality = lookup(
        env,
        lookups["municipalities"],
        raw.get("municipality"),
        env._('the municipality "%(value)s" is unknown.'),
    )
    channel = (
        lookup(
            env,
            CHANNEL_WORDS,
            raw.get("channel"),
            env._(
                'the channel "%(value)s" is unknown (in_person, phone, '
                "email, video, event, web_form, other)."
            ),
        )
        or "other"
    )
    status = lookup(
        env,
        STATUSES,
        raw.get("status"),
        env._(
            'the status "%(value)s" is unknown (open or closed, offen or '
            "abgeschlossen)."
        ),
    )
    organisation = parse_organisation(env, raw.get("organisation"), lookups)
    topics = []
    for code in re.split(r"[,;]", text(raw.get("topics"))):
        code = code.strip().lower()
        if code and code not in topics:
            topics.append(code)
    unknown = [code for code in topics if code not in lookups["topics"]]
    if unknown:
        raise RowError(
            env._(
                "unknown topic codes: %(codes)s.",
                codes=", ".join(unknown),
            )
        )
    employer = " ".join(text(raw.get("employer")).split())
    return {
        "date": when,
        "kind": kind,
        "name": name,
        "email": email,
        "phone": phone,
        "nationality": nationality,
        "employer": employer if kind == "individual" else "",
        "municipality": municipality,
        "topics": topics,
        "duration": parse_duration(env, raw.get("duration")),
        "channel": channel,
        "status": status,
        "organisation": organisation,
    }


def parse_organisation(env, value, lookups):
    """The organisation a row names (its id), the wizard's when none."""
    name = cell_text(env, value)
    if not name:
        return lookups["default_organisation"]
    key = normalize_word(name)
    if key in lookups["organisations"]:
        return lookups["organisations"][key]
    if key in lookups["my_organisations"]:
        raise RowError(
            env._(
                'the organisation "%(value)s" is not among the '
                "organisations selected in the company switcher: select "
                "it and import again.",
                value=name,
            )
        )
    raise RowError(
        env._(
            'the organisation "%(value)s" is not one you work for.',
            value=name,
        )
    )


def row_lookups(wizard):
    """Everything a row of ``wizard``'s file is checked against, one query
    each: {"today", "default_organisation", "topics", "countries",
    "municipalities", "organisations", "my_organisations"}."""
    env = wizard.env
    topics = env["expat.topic"].search_fetch([], ["code"])
    countries = env["res.country"].search_fetch([], ["code"])
    municipalities = env["expat.municipality"].search_fetch([], ["name"])
    return {
        "today": fields.Date.context_today(wizard),
        "default_organisation": wizard.company_id.id,
        "topics": {topic.code: topic.id for topic in topics},
        "countries": {normalize_word(c.code): c.id for c in countries},
        "municipalities": {normalize_word(m.name): m.id for m in municipalities},
        "organisations": {
            normalize_word(company.name): company.id for company in env.companies
        },
        "my_organisations": {
            normalize_word(company.name): company.id for company in env.user.company_ids
        },
    }


def row_key(row, occurrence):
    """Fingerprint of a checked row: the same consultation in the same
    or another file (in either header language or date format) gives
    the same key; the n-th identical row of a file gets its own."""
    payload = "\x1f".join(
        [
            "expat.history.import/1",
            row["date"].isoformat(),
            row["kind"],
            normalize_name(row["name"]),
            row["email"],
            re.sub(r"\D", "", row["phone"]),
            str(row["nationality"] or ""),
            normalize_name(row["employer"]),
            str(row["municipality"] or ""),
            ",".join(sorted(row["topics"])),
            f"{row['duration']:.2f}",
            row["channel"],
            str(row["organisation"]),
            str(occurrence),
        ]
    )
    return hashlib.sha256(payload.encode()).hexdigest()

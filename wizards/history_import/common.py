"""The columns of the history files, the words they may hold, and the
small types the other modules of the import share."""

import re
import unicodedata

from ...models.expat_dossier_mixin import CHANNELS

# At about 460 rows per second (docs/performance.md) this is under a minute
# of work, within Odoo's default limit_time_real (120 s) for a request.
# Larger files are split, e.g. by year: the parts can be imported one after
# another because rows already imported are skipped.
MAX_ROWS = 20_000
BATCH_SIZE = 1000
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Column key (the contract's English name) and its German header.
COLUMNS = [
    ("date", "Datum"),
    ("kind", "Art"),
    ("name", "Name"),
    ("email", "E-Mail"),
    ("phone", "Telefon"),
    ("nationality", "Staatsangehörigkeit"),
    ("employer", "Arbeitgeber"),
    ("municipality", "Kommune"),
    ("topics", "Themen"),
    ("duration", "Dauer"),
    ("channel", "Kanal"),
    ("organisation", "Organisation"),
    ("status", "Status"),
]
REQUIRED_COLUMNS = ("date", "kind", "name")
KINDS = {
    "individual": "individual",
    "person": "individual",
    "company": "company",
    "unternehmen": "company",
}
STATUSES = {
    "open": "open",
    "offen": "open",
    "closed": "closed",
    "abgeschlossen": "closed",
}
# Channel keys, their English labels and the German ones (i18n/de.po).
CHANNEL_WORDS = {
    "persoenlich": "in_person",
    "telefon": "phone",
    "videoanruf": "video",
    "veranstaltung": "event",
    "webformular": "web_form",
    "sonstiges": "other",
}
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
HOURS = re.compile(r"^\d+(?:[.,]\d+)?$")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_name(text):
    """Case- and whitespace-insensitive form of a name."""
    return " ".join(str(text or "").split()).casefold()


def normalize_word(text):
    """A header or a value word: case, umlauts, accents and anything but
    letters and digits ignored ("E-Mail" = "email", "Düsseldorf" =
    "duesseldorf")."""
    text = normalize_name(text).translate(UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text)


HEADERS = {
    **{normalize_word(key): key for key, _german in COLUMNS},
    **{normalize_word(german): key for key, german in COLUMNS},
    "organization": "organisation",
}
CHANNEL_WORDS.update({normalize_word(key): key for key, _label in CHANNELS})
CHANNEL_WORDS.update({normalize_word(label): key for key, label in CHANNELS})


class RowError(Exception):
    """A row that is refused, with the translated reason."""


class Pending:
    """A record the import will create: its values, and the record once
    created."""

    __slots__ = ("record", "vals")

    def __init__(self, vals):
        self.vals = vals
        self.record = None


def resolve(ref):
    """The record behind a reference: an existing record or a Pending one."""
    return ref.record if isinstance(ref, Pending) else ref


class UncalculatedFormula:
    """An XLSX cell holding a formula whose value was never calculated."""

    __slots__ = ("coordinate",)

    def __init__(self, coordinate):
        self.coordinate = coordinate

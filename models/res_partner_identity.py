"""Who is who: the rules that decide which person an input is about.

The rules live here, as plain functions; the AbstractModel
``expat.identity`` (``expat_identity.py``) applies them to the contacts, and
``res.partner`` offers its methods under their contract names
(``_expat_identify_person``, ``_expat_find_or_create_person``,
``_expat_duplicates``, ``action_expat_merge_duplicates``, in
``res_partner.py``). Every channel of the desk (the mail alias, the public
request form, event registrations, the event follow-up, the duplicate
finder and the history import) asks those methods instead of searching
contacts itself, so that the rules of the contract's section "Who is who"
hold everywhere:

* a person made from an e-mail gets the bare address in ``email`` and the
  display name in ``name``;
* an existing person is found by the normalised e-mail address only when the
  name given does not clearly differ from theirs (shared family and HR
  mailboxes);
* name and phone number together find a person only when no e-mail address
  is given: with an address, the address decides;
* finding never writes: public input never changes an existing contact.
"""

import re
import unicodedata

from odoo.tools import email_normalize
from odoo.tools.mail import email_split_tuples

# Letters that Unicode does not decompose into a base letter and an accent.
_LETTER_FOLDS = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
    }
)
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize_name(name):
    """``name`` folded for comparison: lower case, accents removed,
    apostrophes dropped, punctuation and runs of white space turned into
    one space. ``"  José  GARCÍA "`` gives ``"jose garcia"``."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = _APOSTROPHES.sub("", text.translate(_LETTER_FOLDS))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _tokens_compatible(short, long):
    """Whether every word of ``short`` stands for its own word of ``long``:
    the same word, or an initial of it ("P." for "Priya")."""
    remaining = list(long)
    for word in sorted(short, key=len, reverse=True):
        match = next((w for w in remaining if w == word), None)
        if match is None:
            match = next(
                (
                    w
                    for w in remaining
                    if (len(word) == 1 and w.startswith(word))
                    or (len(w) == 1 and word.startswith(w))
                ),
                None,
            )
        if match is None:
            return False
        remaining.remove(match)
    return True


def names_clearly_differ(name_a, name_b):
    """Whether two names belong to different people. They do not clearly
    differ when one is missing or is only an e-mail address, or when the
    words of one all stand for words of the other (order, case, accents,
    initials and a missing middle or family name do not count):
    "P. Raman" and "Priya Raman" do not differ, "Kavya Mehta" and
    "Arjun Mehta" do."""
    if not name_a or not name_b or "@" in name_a or "@" in name_b:
        return False
    words_a = normalize_name(name_a).split()
    words_b = normalize_name(name_b).split()
    if not words_a or not words_b:
        return False
    short, long = sorted((words_a, words_b), key=len)
    return not _tokens_compatible(short, long)


def is_real_name(name):
    """Whether ``name`` names someone: not empty once folded, and not an
    e-mail address standing in for a name."""
    return bool(name) and "@" not in name and bool(normalize_name(name))


def split_address(text):
    """``(display name, bare address)`` of an e-mail field such as
    ``"Chen Wei" <Chen.Wei@example.org>``: the address normalised (trimmed,
    lower case), the display name as written; ``("", "")`` when the text
    holds no address."""
    if not text or "@" not in text:
        return "", ""
    pairs = email_split_tuples(text)
    if not pairs:
        return "", ""
    display, address = pairs[0]
    address = email_normalize(address, strict=False) or ""
    display = " ".join((display or "").split())
    if display and display.strip("'\" ").lower() == address:
        display = ""
    return display, address

"""The size and the vocabulary of the benchmark's data set, shared by its
loaders (dataset_people, dataset_dossiers, dataset_events) and dataset."""

import sys

N_ORGS = 3
N_COMPANIES = 3000
N_PERSONS = 17000
N_CASES = 20000
N_CONTACTS = 2000
N_CASE_CONSULTATIONS = 56000
N_CONTACT_CONSULTATIONS = 10000
N_EVENTS = 30
YEARS = 3

NATIONALITIES = [
    # EU
    "fr",
    "it",
    "es",
    "pl",
    "ro",
    "nl",
    "gr",
    "pt",
    "bg",
    "hr",
    # not EU
    "in",
    "cn",
    "tr",
    "us",
    "br",
    "ua",
    "sy",
    "eg",
    "jp",
    "kr",
    "ph",
    "vn",
    "mx",
    "ng",
    "gb",
    "ru",
    "ir",
    "pk",
    "co",
    "id",
]
RESIDENCE = [
    "none",
    "visa",
    "blue_card",
    "skilled_worker",
    "opportunity_card",
    "student",
    "family",
    "eu_citizen",
    "settlement",
    "other",
]
SIZES = ["1_9", "10_49", "50_249", "250_plus"]
CHANNELS = ["in_person", "phone", "email", "video"]
DIMENSIONS = [
    "company_id",
    "organisation_id",
    "person_id",
    "municipality_id",
    "company_size",
    "nationality_id",
    "nationality_area",
    "residence_status",
    "is_first",
    "dossier_type",
]


def say(message):
    """Progress on stderr, so that stdout holds only the figures."""
    sys.stderr.write(f"[benchmark] {message}\n")
    sys.stderr.flush()


def sql_array(values):
    return "ARRAY[%s]::varchar[]" % ",".join(f"'{v}'" for v in values)

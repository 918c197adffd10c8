"""What writing costs at production size: the queries of one case created by
an advisor, and the persons anonymised per second."""

import time

ANONYMISED_PERSONS = 100


def queries_of(env, call):
    """Run ``call`` and return how many SQL statements it sent, pending
    writes flushed on both sides."""
    env.flush_all()
    before = env.cr.sql_log_count
    call()
    env.flush_all()
    return env.cr.sql_log_count - before


def case_create_queries(advisor_env, person):
    """Queries of ``expat.case.create`` for ``person`` as the advisor, after
    one warm-up create (so that the caches are as they are in a running
    server). Returns the count of the second create."""
    cases = advisor_env["expat.case"]

    def create():
        cases.create({"person_id": person.id, "channel": "email"})

    create()
    return queries_of(advisor_env, create)


def persons_to_anonymise(env, count=ANONYMISED_PERSONS):
    """Bench persons with at least one case (deterministic sample)."""
    env.cr.execute(
        """
        SELECT p.id FROM res_partner p
         WHERE p.name LIKE 'Bench Person %%'
           AND EXISTS (SELECT 1 FROM expat_case k WHERE k.person_id = p.id)
         ORDER BY md5(p.id::text) LIMIT %s
        """,
        (count,),
    )
    return env["res.partner"].browse([row[0] for row in env.cr.fetchall()])


def anonymisation_rate(env):
    """Anonymise ``ANONYMISED_PERSONS`` persons with their cases,
    consultations and chatter through ``action_expat_anonymize`` (as the
    superuser, a desk manager; open cases confirmed as the wizard does).
    Returns (persons, seconds, persons per second). The caller rolls back."""
    persons = persons_to_anonymise(env)
    persons = persons.with_context(expat_anonymize_open_cases=True)
    t0 = time.perf_counter()
    persons.action_expat_anonymize()
    env.flush_all()
    seconds = time.perf_counter() - t0
    return len(persons), seconds, len(persons) / seconds

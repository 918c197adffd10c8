"""Timing ORM against SQL: interleaved runs, medians, same answers."""

import statistics
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Measure:
    """One question asked through the ORM and by hand.

    ``orm_table``/``sql_table`` reduce an answer to something comparable
    (None: compared as is); ``goal`` is the highest ratio ORM/SQL allowed
    (None: shown for information)."""

    label: str
    orm: object
    sql: object
    goal: float | None = None
    orm_table: object = None
    sql_table: object = None


@dataclass
class Row:
    label: str
    who: str
    orm_ms: float
    sql_ms: float
    goal: float | None
    spread: tuple = field(default_factory=tuple)

    @property
    def ratio(self):
        return self.orm_ms / self.sql_ms

    @property
    def ok(self):
        return self.goal is None or self.ratio <= self.goal


def out(line=""):
    """A line of the figures on stdout."""
    sys.stdout.write(f"{line}\n")
    sys.stdout.flush()


def timings(pairs, repeat, warmup):
    """Run the (key, callable) pairs interleaved: ``warmup`` rounds, then
    ``repeat`` measured rounds. Returns {key: [ms, ...]}."""
    result = {key: [] for key, _ in pairs}
    for round_ in range(warmup + repeat):
        for key, func in pairs:
            t0 = time.perf_counter()
            func()
            elapsed = (time.perf_counter() - t0) * 1000
            if round_ >= warmup:
                result[key].append(elapsed)
    return result


def _difference(measure, orm_answer, sql_answer):
    if isinstance(orm_answer, dict) and measure.orm_table:
        only = sorted(set(orm_answer) ^ set(sql_answer), key=str)[:5]
        differ = [
            (k, orm_answer[k], sql_answer[k])
            for k in sorted(set(orm_answer) & set(sql_answer), key=str)
            if orm_answer[k] != sql_answer[k]
        ][:3]
        return f"groups in one only {only}, differing (key, ORM, SQL) {differ}"
    return f"ORM {orm_answer} != SQL {sql_answer}"


def same_answers(measures, who):
    """Ask each question once on both sides; return the failures and the
    ORM's answers by label."""
    failures = []
    answers = {}
    for measure in measures:
        orm_answer = measure.orm()
        sql_answer = measure.sql()
        if measure.orm_table:
            orm_answer = measure.orm_table(orm_answer)
        if measure.sql_table:
            sql_answer = measure.sql_table(sql_answer)
        answers[measure.label] = orm_answer
        if orm_answer != sql_answer:
            failures.append(
                f"{measure.label} ({who}): ORM and SQL differ; "
                + _difference(measure, orm_answer, sql_answer)
            )
    return failures, answers


def compare(measures, who, repeat, warmup):
    """Time every measure, ORM and SQL interleaved; return [Row]."""
    pairs = []
    for index, measure in enumerate(measures):
        pairs += [(("orm", index), measure.orm), (("sql", index), measure.sql)]
    times = timings(pairs, repeat, warmup)
    rows = []
    for index, measure in enumerate(measures):
        orm, sql = times["orm", index], times["sql", index]
        rows.append(
            Row(
                measure.label,
                who,
                statistics.median(orm),
                statistics.median(sql),
                measure.goal,
                (min(orm), max(orm), min(sql), max(sql)),
            )
        )
    return rows


def print_rows(rows):
    """The table of ratios."""
    header = (
        f"{'measure':<32}{'as':<16}{'ORM ms':>9}{'SQL ms':>9}{'ratio':>8}"
        f"{'goal':>7}  result  ORM min-max / SQL min-max"
    )
    out(header)
    out("-" * len(header))
    for row in rows:
        goal_text = f"{row.goal:.1f}x" if row.goal else "-"
        result = ("ok" if row.ok else "MISSED") if row.goal else "info"
        spread = "{:.0f}-{:.0f} / {:.0f}-{:.0f}".format(*row.spread)
        out(
            f"{row.label:<32}{row.who:<16}{row.orm_ms:>9.1f}{row.sql_ms:>9.1f}"
            f"{row.ratio:>7.2f}x{goal_text:>7}  {result:<7} {spread}"
        )


class QueryRecorder:
    """Records the SQL a call sends, to EXPLAIN it afterwards."""

    def __init__(self, cr):
        self.cr = cr
        self.queries = []
        self.original = None

    def __enter__(self):
        cursor_class = type(self.cr)
        self.original = cursor_class.execute
        recorder = self

        def execute(cr, query, params=None, log_exceptions=True):
            recorder.queries.append(cr.mogrify(query, params).decode())
            return recorder.original(cr, query, params, log_exceptions)

        cursor_class.execute = execute
        return self

    def __exit__(self, *exc):
        type(self.cr).execute = self.original


def explain(cr, title, query, params=None):
    """Print EXPLAIN ANALYZE of ``query``."""
    text = cr.mogrify(query, params).decode() if params is not None else query
    cr.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + text)
    out(f"\n--- EXPLAIN ANALYZE: {title}")
    for (line,) in cr.fetchall():
        out("    " + line)


def explain_call(cr, title, call, keep=lambda query: True):
    """EXPLAIN ANALYZE every SELECT that ``call`` sends and ``keep`` keeps."""
    with QueryRecorder(cr) as recorder:
        call()
    selects = [
        q
        for q in recorder.queries
        if q.lstrip().upper().startswith(("SELECT", "WITH")) and keep(q)
    ]
    for index, query in enumerate(selects, start=1):
        explain(cr, f"{title}, ORM query {index}", query)

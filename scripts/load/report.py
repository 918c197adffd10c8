"""Read locust's statistics (``--csv``) and judge them: the 95th percentile
of every kind of request against the goal, and no failed request. Prints the
table; the exit code is 1 when a goal is missed."""

import argparse
import csv
import sys


def read_stats(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    return sorted(rows, key=lambda row: row["Name"])


def read_failures(prefix):
    try:
        with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError:
        return []


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv", required=True, help="locust's --csv prefix")
    parser.add_argument("--goal-ms", type=float, default=500.0)
    parser.add_argument("--users", type=int, required=True)
    args = parser.parse_args(argv)
    rows = read_stats(args.csv)
    header = (
        f"{'request':<34}{'count':>7}{'failed':>8}{'median':>8}{'p95':>7}"
        f"{'p99':>7}{'max':>7}{'req/s':>7}  result"
    )
    out = [f"\n{args.users} simulated advisors, ms", header, "-" * len(header)]
    missed = []
    for row in rows:
        p95 = float(row["95%"])
        failed = int(row["Failure Count"])
        ok = p95 <= args.goal_ms and not failed
        if not ok:
            missed.append(row["Name"])
        out.append(
            f"{row['Name']:<34}{int(row['Request Count']):>7}{failed:>8}"
            f"{float(row['Median Response Time']):>8.0f}{p95:>7.0f}"
            f"{float(row['99%']):>7.0f}{float(row['Max Response Time']):>7.0f}"
            f"{float(row['Requests/s']):>7.1f}  {'ok' if ok else 'MISSED'}"
        )
    for failure in read_failures(args.csv):
        out.append(
            f"FAILED {failure['Name']}: {failure['Occurrences']} x {failure['Error']}"
        )
    if not rows:
        missed.append("no request was made")
    out.append(
        f"\ngoal: every kind p95 <= {args.goal_ms:.0f} ms, 0 failed requests: "
        + ("MISSED (" + ", ".join(missed) + ")" if missed else "met")
    )
    sys.stdout.write("\n".join(out) + "\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

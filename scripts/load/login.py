"""Log every prepared advisor in once (as people do in the morning) and keep
their session cookies for the load test, so that the measured minute holds
no log-ins. Runs in the load test's own virtual environment (requests)."""

import argparse
import json
import sys
from concurrent.futures import ThreadPoolExecutor

import requests


def login(host, db, advisor):
    session = requests.Session()
    response = session.post(
        f"{host}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "db": db,
                "login": advisor["login"],
                "password": advisor["login"],
            },
        },
        timeout=120,
    )
    response.raise_for_status()
    payload = response.json()
    if payload.get("error") or not payload.get("result", {}).get("uid"):
        raise RuntimeError(f"log-in of {advisor['login']} failed: {payload}")
    return {**advisor, "session_id": session.cookies["session_id"]}


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args(argv)
    with open(args.data, encoding="utf-8") as handle:
        data = json.load(handle)
    with ThreadPoolExecutor(max_workers=4) as pool:
        data["advisors"] = list(
            pool.map(lambda a: login(args.host, args.db, a), data["advisors"])
        )
    with open(args.data, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    sys.stderr.write(f"[loadtest] {len(data['advisors'])} advisors logged in\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

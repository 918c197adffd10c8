"""Simulated desk advisors for ``./scripts/loadtest`` (locust).

Each simulated advisor takes a session made beforehand (log-in once a day)
and walks the daily path through the web client's own endpoints, with 1-3 s
between actions:

  kanban      /web/dataset/call_kw expat.case web_search_read (kanban card
              fields, 80 cards, the pager's count)
  form        /web/dataset/call_kw expat.case web_read (the form's fields)
  chatter     /mail/thread/messages (the chatter of that case, 30 messages)
  consult     /web/dataset/call_kw expat.consultation web_save (log one)
  note        /mail/message/post (an internal note in the chatter)
  kpis        /web/dataset/call_kw expat.desk.report get_kpis (12 months)
  pivot       /web/dataset/call_kw expat.desk.report formatted_read_group
              (month x organisation, what the pivot asks for)

Every response is checked: HTTP 200 and no JSON-RPC ``error``.
"""

import datetime
import itertools
import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["LOADTEST_DATA"], encoding="utf-8") as _handle:
    DATA = json.load(_handle)
_ADVISORS = itertools.cycle(DATA["advisors"])


class Advisor(HttpUser):
    """One desk advisor working through the day."""

    wait_time = between(1, 3)

    def on_start(self):
        self.advisor = next(_ADVISORS)
        self.client.cookies.set("session_id", self.advisor["session_id"])
        self.odoo_context = {
            "lang": "en_US",
            "tz": "Europe/Berlin",
            "uid": self.advisor["uid"],
            "allowed_company_ids": [self.advisor["company_id"]],
            "bin_size": True,
        }
        self.visible_case_ids = list(self.advisor["open_case_ids"])
        self.rpc_id = itertools.count(1)

    # ------------------------------------------------------------------

    def _post(self, name, url, params):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(self.rpc_id),
            "params": params,
        }
        with self.client.post(
            url, json=payload, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure("not JSON (session lost?)")
                return None
            if body.get("error"):
                error = body["error"].get("data", {}).get("message") or body["error"]
                response.failure(str(error)[:200])
                return None
            response.success()
            return body.get("result")

    def _call_kw(self, name, model, method, args, kwargs=None):
        return self._post(
            name,
            f"/web/dataset/call_kw/{model}/{method}",
            {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": {"context": self.odoo_context, **(kwargs or {})},
            },
        )

    def _case_id(self):
        return random.choice(self.visible_case_ids or self.advisor["open_case_ids"])

    # ------------------------------------------------------------------

    @task(4)
    def kanban(self):
        result = self._call_kw(
            "kanban web_search_read",
            "expat.case",
            "web_search_read",
            [],
            {
                "domain": [],
                "specification": DATA["kanban_spec"],
                "offset": 0,
                "limit": 80,
                "order": "",
                "count_limit": 10001,
            },
        )
        if result and result.get("records"):
            records = result["records"]
            open_ids = set(self.advisor["open_case_ids"])
            self.visible_case_ids = [r["id"] for r in records if r["id"] in open_ids]

    @task(4)
    def form_and_chatter(self):
        case_id = self._case_id()
        self._call_kw(
            "form web_read",
            "expat.case",
            "web_read",
            [[case_id]],
            {"specification": DATA["form_spec"]},
        )
        self._post(
            "chatter /mail/thread/messages",
            "/mail/thread/messages",
            {
                "thread_model": "expat.case",
                "thread_id": case_id,
                "fetch_params": {"limit": 30},
            },
        )

    @task(2)
    def log_consultation(self):
        self._call_kw(
            "consultation web_save",
            "expat.consultation",
            "web_save",
            [
                [],
                {
                    "case_id": self._case_id(),
                    "date": datetime.date.today().isoformat(),
                    "duration": 0.5,
                    "channel": "phone",
                },
            ],
            {"specification": {"display_name": {}}},
        )

    @task(2)
    def post_note(self):
        self._post(
            "note /mail/message/post",
            "/mail/message/post",
            {
                "thread_model": "expat.case",
                "thread_id": self._case_id(),
                "post_data": {
                    "body": "Called back, documents complete.",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_note",
                },
            },
        )

    @task(1)
    def desk_figures(self):
        self._call_kw(
            "kpis get_kpis",
            "expat.desk.report",
            "get_kpis",
            [DATA["date_from"], DATA["date_to"]],
        )
        self._call_kw(
            "pivot formatted_read_group",
            "expat.desk.report",
            "formatted_read_group",
            [],
            {
                "domain": [
                    ["date", ">=", DATA["date_from"]],
                    ["date", "<=", DATA["date_to"]],
                ],
                "groupby": ["date:month", "company_id"],
                "aggregates": ["__count", "duration:sum"],
            },
        )

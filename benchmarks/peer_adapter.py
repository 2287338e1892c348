"""shouhou adapter for the peer benchmark harness (/work/shared/bench/peer/workload.py).

    python /work/shared/bench/peer/workload.py w1 --adapter benchmarks/peer_adapter.py \
        --base http://127.0.0.1:8000 --user desk --password shouhou-demo [--server-pid PID]

The harness puts its own folder on sys.path, so `workload` is importable when this file runs.
The same operations as for django-helpdesk, through shouhou's interfaces:

* login: an API token (POST /api/v1/auth/token/) for the API, and a session through the login
  form (/accounts/login/, with the CSRF token) for the HTML pages.  Run shouhou with
  SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 on plain-HTTP loopback so the session cookie is sent.
* W1 create: POST /api/v1/tickets/ (JSON, token) with the generated title and description; the
  harness's queue index picks one of the first 100 known serial numbers (so the report resolves
  to a real asset, contract and warranty), its priority maps to the P5.1 severity.
* W2: the desk's list filtered by status (open states) and severity — first page — as HTML and
  API; detail as HTML and API for random ids.  W3: search by keyword as HTML and API.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from workload import Client, HTTPError, Target  # provided by the harness

OPEN = ("new", "accepted", "assigned")


class ShouhouTarget(Target):
    name = "shouhou"

    async def login(self, c: Client) -> None:
        _, body = await c.req("POST", "/api/v1/auth/token/", json={"username": self.username,
                                                                   "password": self.password})
        c.state["auth"] = {"Authorization": f"Token {json.loads(body)['token']}"}
        _, html = await c.req("GET", "/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        token = match.group(1) if match else (c.cookie("csrftoken") or "")
        await c.req("POST", "/accounts/login/", expect=(302,),
                    data={"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
                    headers={"Referer": self.base + "/accounts/login/"})
        if not c.cookie("sessionid"):
            raise HTTPError("login failed (no session cookie: run with SECURE_COOKIES=0 on plain HTTP)")

    async def discover(self, c: Client) -> None:
        _, body = await c.req("GET", "/api/v1/assets/?page_size=100", headers=c.state["auth"])
        c.state["serials"] = [row["serial_no"] for row in json.loads(body)["results"]] or [""]

    async def create_ticket(self, c: Client, t: dict) -> None:
        serials = c.state["serials"]
        priority = int(t.get("priority") or 3)
        await c.req(
            "POST", "/api/v1/tickets/", expect=(201,), headers=c.state["auth"],
            json={"title": t["title"][:200], "description": t["description"], "channel": "api",
                  "severity": 1 if priority <= 1 else (2 if priority <= 3 else 3),
                  "serial": serials[t["queue_index"] % len(serials)], "reporter_email": t["submitter_email"]},
        )

    @staticmethod
    def _list_query(rnd) -> str:
        return "".join(f"&status={s}" for s in OPEN) + f"&severity={rnd.randint(1, 3)}"

    @staticmethod
    def _rand_id(c: Client, rnd) -> int:
        return rnd.randint(c.state["min_id"], c.state["max_id"])

    def list_ops(self):
        async def list_html(c, rnd):
            _, body = await c.req("GET", "/tickets/?" + self._list_query(rnd)[1:])
            if "<table" not in body:
                raise HTTPError("no ticket table in the list page")

        async def list_api(c, rnd):
            _, body = await c.req("GET", "/api/v1/tickets/?" + self._list_query(rnd)[1:], headers=c.state["auth"])
            if not json.loads(body)["results"]:
                raise HTTPError("empty first page")

        async def detail_html(c, rnd):
            await c.req("GET", f"/tickets/{self._rand_id(c, rnd)}/")

        async def detail_api(c, rnd):
            await c.req("GET", f"/api/v1/tickets/{self._rand_id(c, rnd)}/", headers=c.state["auth"])

        return {"list_html(status+severity, first page)": list_html,
                "list_api(/api/v1/tickets/?status=…&severity=…)": list_api,
                "detail_html": detail_html, "detail_api": detail_api}

    def search_ops(self, keyword: str):
        q = quote(keyword)

        async def search_html(c, rnd):
            await c.req("GET", f"/tickets/?q={q}")

        async def search_api(c, rnd):
            _, body = await c.req("GET", f"/api/v1/tickets/?q={q}", headers=c.state["auth"])
            c.state[f"hits:{keyword}"] = json.loads(body)["count"]

        return {f"search_html q={keyword}": search_html, f"search_api q={keyword}": search_api}


TARGET = ShouhouTarget

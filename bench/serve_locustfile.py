"""Locust users for bench/serve_load.py (not run on its own: the driver sets the
environment). Task weights and waits come from RG_* variables:

RG_MIX      "search,item,sparql" weights, e.g. "70,20,10" (item = item page or case history)
RG_WAIT     "1,5" (seconds between a user's requests, as people do) or "0" (closed loop)
RG_DATA     JSON file: {"queries": [...], "items": [...], "cases": [...], "sparql": [...]}
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

DATA = json.loads(Path(os.environ["RG_DATA"]).read_text(encoding="utf-8"))
MIX = [int(x) for x in os.environ.get("RG_MIX", "70,20,10").split(",")]
WAIT = [float(x) for x in os.environ.get("RG_WAIT", "1,5").split(",")]


class Reader(FastHttpUser):
    # geventhttpclient, not requests: on two shared cores the load tool's own CPU per
    # request would otherwise come out of what the service gets (bench/README.md)
    wait_time = between(WAIT[0], WAIT[1]) if len(WAIT) == 2 else constant(WAIT[0])

    def on_start(self) -> None:
        self.rnd = random.Random()

    @task(MIX[0])
    def search(self) -> None:
        if not DATA["queries"]:
            return
        q = self.rnd.choice(DATA["queries"])
        self.client.get("/api/search?" + urlencode({"q": q, "limit": 10}), name="search")

    @task(MIX[1])
    def item_or_case(self) -> None:
        if self.rnd.random() < 0.75 or not DATA["cases"]:
            iri = self.rnd.choice(DATA["items"])
            self.client.get("/api/item?" + urlencode({"iri": iri}), name="item")
        else:
            case = self.rnd.choice(DATA["cases"])
            self.client.get("/api/history?" + urlencode({"target": case}), name="case")

    @task(MIX[2])
    def sparql(self) -> None:
        _name, query = self.rnd.choice(DATA["sparql"])
        self.client.post(
            "/sparql",
            data=urlencode({"query": query}),
            headers={
                "Accept": "application/sparql-results+json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            name="sparql",
        )

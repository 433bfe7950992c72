"""The JSON API of `raadsgraf serve` on the real seeds: answers checked against the
served OpenAPI document, links followed, ETags, pagination, reload after an ingest,
errors (bilingual, request id, no trace or path), hostile input, rate limit, CORS,
metrics and the access log."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient

from raadsgraf.config import Settings
from raadsgraf.serve.app import ServeOptions, create_app
from tests.app_store import UPLOAD_SEED, seed_file
from tests.conftest import MODELS


def _settings(store: Path, **kw: Any) -> Settings:
    base: dict[str, Any] = {"store": store, "models": MODELS, "sparql_workers": 1}
    base.update(kw)
    return Settings(**base)


@pytest.fixture(scope="module")
def client(seed_store: Path) -> Iterator[TestClient]:
    app = create_app(seed_store, _settings(seed_store), ServeOptions(warm=False))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    return doc


def check(openapi: dict[str, Any], r: httpx.Response) -> dict[str, Any]:
    """The real answer is valid against the schema the service publishes for it."""
    assert r.status_code == 200, r.text
    path = urlparse(str(r.request.url)).path
    schema = openapi["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    root = {**openapi, **schema}
    jsonschema.Draft202012Validator(root).validate(r.json())
    body: dict[str, Any] = r.json()
    return body


def _error(r: httpx.Response) -> dict[str, Any]:
    err: dict[str, Any] = r.json()["error"]
    assert err["request_id"] == r.headers["x-request-id"]
    assert err["message_da"] and err["message_en"]
    text = r.text
    assert "Traceback" not in text and "/tmp/" not in text and "/work/" not in text
    assert "site-packages" not in text and ".py" not in text
    return err


def _search(client: TestClient, **params: Any) -> httpx.Response:
    return client.get("/api/search", params=params)


def test_openapi_document_lists_every_resource(openapi: dict[str, Any]) -> None:
    paths = set(openapi["paths"])
    for p in (
        "search",
        "item",
        "history",
        "lineage",
        "policy",
        "person",
        "committee",
        "meeting",
        "facets",
        "people",
        "committees",
        "meetings",
    ):
        assert f"/api/{p}" in paths
    params = {p["name"] for p in openapi["paths"]["/api/search"]["get"]["parameters"]}
    # every filter the CLI's search has
    assert {
        "q",
        "municipality",
        "committee",
        "from",
        "to",
        "open_only",
        "outcome",
        "mode",
        "limit",
        "offset",
    } <= params


def test_search_item_history_and_their_links(client: TestClient, openapi: dict[str, Any]) -> None:
    body = check(openapi, _search(client, q="boligsocial helhedsplan", limit=3))
    assert len(body["results"]) == 3
    first = body["results"][0]
    hit, citation = first["hit"], first["citation"]
    assert hit["iri"].startswith("https://raadsgraf.dk/id/") and hit["iri"] == citation["iri"]
    assert citation["municipality"] and citation["date"] and citation["item_number"]
    item = check(openapi, client.get(first["links"]["self"]))
    assert item["data"]["item"] == hit["iri"]
    assert item["citation"]["title"] == item["data"]["title"]
    # every link of the item answer leads to a valid answer about the thing it names
    for name, href in item["links"].items():
        if href:
            answer = check(openapi, client.get(href))
            assert answer, name
    history = check(openapi, client.get(item["links"]["history"]))
    assert any(
        s["step"]["treatment"] == item["data"]["treatment"] for s in history["data"]["steps"]
    )
    # one citation per held step; a planned (coming) step is no record to cite
    held = [s for s in history["data"]["steps"] if not s["step"]["planned"]]
    assert len(history["citations"]) == len(held) < len(history["data"]["steps"])
    assert body["links"]["next"]
    page2 = check(openapi, client.get(body["links"]["next"]))
    assert {r["hit"]["iri"] for r in page2["results"]}.isdisjoint(
        r["hit"]["iri"] for r in body["results"]
    )


def test_search_filters_reach_the_index(client: TestClient, openapi: dict[str, Any]) -> None:
    body = check(openapi, _search(client, q="budget", municipality="Slagelse", limit=20))
    assert body["results"] and all(
        "Slagelse" in (r["hit"]["municipality"] or "") for r in body["results"]
    )
    body = check(openapi, _search(client, q="budget", to="2020-01-01", limit=20))
    assert all((r["hit"]["meeting_date"] or "") <= "2020-01-01" for r in body["results"])
    r = _search(client, q="budget", outcome="vedtaget-ikke")
    assert r.status_code == 400 and "vedtaget-ikke" in _error(r)["detail"]
    r = _search(client, q="budget", **{"from": "2024-13-01"})
    assert r.status_code == 422 and _error(r)["code"] == "invalid_parameters"


def test_search_gives_each_matter_of_a_case_number_once(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    """Issue #12: seed 001's number 24-012144 is on items 2 and 3, which name two
    matters (a study trip's evaluation, an application to Landsbyggefonden): two
    results, neither listed as a treatment of the other (valid against the published
    schema; a case of one matter in several bodies: tests/test_search_cases.py);
    ``per_item=true`` lists the same two."""
    body = check(openapi, _search(client, q="24-012144"))
    hits = [r["hit"] for r in body["results"]]
    assert sorted(h["item_number"] for h in hits) == [2, 3] and body["total"] == 2
    assert all(h["case_number"] == "24-012144" and h["other_treatments"] == [] for h in hits)
    apart = check(openapi, _search(client, q="24-012144", per_item="true"))
    assert sorted(r["hit"]["item_number"] for r in apart["results"]) == [2, 3]
    params = openapi["paths"]["/api/search"]["get"]["parameters"]
    assert "per_item" in {p["name"] for p in params}


def test_search_total_counts_the_strong_hits(client: TestClient, openapi: dict[str, Any]) -> None:
    """`total` (null before issue 15): the strong hits matching the filters, whatever the page."""
    query = "boligsocial helhedsplan"
    every = check(openapi, _search(client, q=query, limit=100))
    assert every["total_exact"] and not any(r["hit"]["weak"] for r in every["results"])
    assert every["total"] == len(every["results"]) > 3
    page = check(openapi, _search(client, q=query, limit=2, offset=2))
    assert page["total"] == every["total"] and len(page["results"]) == 2
    by_place: dict[str, int] = {}
    for r in every["results"]:
        by_place[r["hit"]["municipality"]] = by_place.get(r["hit"]["municipality"], 0) + 1
    assert len(by_place) >= 2
    for place, n in by_place.items():
        assert check(openapi, _search(client, q=query, municipality=place))["total"] == n
    nonsense = check(openapi, _search(client, q="xyzzy qwerty"))
    assert nonsense["total"] == 0 and nonsense["results"]
    assert all(r["hit"]["weak"] for r in nonsense["results"])


def test_every_resource_answers_against_its_schema(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    committees = check(openapi, client.get("/api/committees", params={"limit": 1}))
    assert committees["total"] >= 2 and len(committees["data"]) == 1
    nxt = check(openapi, client.get(committees["links"]["next"]))
    assert nxt["data"][0]["iri"] != committees["data"][0]["iri"]
    committee = check(openapi, client.get(committees["data"][0]["link"]))
    meetings = check(openapi, client.get(committee["links"]["meetings"]))
    meeting = check(openapi, client.get(meetings["data"][0]["link"]))
    assert meeting["items"] and meeting["data"]["iri"] == meetings["data"][0]["meeting"]["iri"]
    people = check(openapi, client.get("/api/people", params={"limit": 5}))
    person = check(openapi, client.get(people["data"][0]["link"]))
    assert person["data"]["person"]["iri"] == people["data"][0]["person"]["iri"]
    check(openapi, client.get("/api/facets"))
    policies = client.get(
        "/sparql", params={"query": "SELECT ?p WHERE { ?p a rg:Policy } ORDER BY ?p LIMIT 1"}
    ).json()["results"]["bindings"]
    policy = check(openapi, client.get("/api/policy", params={"iri": policies[0]["p"]["value"]}))
    assert policy["data"]["policy"] == policies[0]["p"]["value"]
    case = check(openapi, client.get("/api/history", params={"target": "24-012144"}))
    assert case["data"]["steps"]
    lineage = check(openapi, client.get("/api/lineage", params={"target": "24-012144"}))
    assert lineage["citations"]


def test_etag_answers_304_without_work(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    r = client.get("/api/facets")
    etag = r.headers["etag"]
    live = client.app.state.live  # type: ignore[attr-defined]
    rg, _ = live.current()

    def boom() -> None:
        raise AssertionError("a 304 must not compute the answer")

    monkeypatch.setattr(rg, "facets", boom)
    again = client.get("/api/facets", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["etag"] == etag and not again.content
    other = client.get("/api/committees", headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_a_new_ingest_is_served_without_restart(
    seed_store: Path, tmp_path: Path, openapi: dict[str, Any]
) -> None:
    from raadsgraf import pipeline

    store = tmp_path / "store"
    shutil.copytree(seed_store, store, symlinks=True)
    app = create_app(store, _settings(store), ServeOptions(warm=False))
    with TestClient(app) as c:
        before = c.get("/api/meetings")
        etag = before.headers["etag"]
        src = tmp_path / "src"
        src.mkdir()
        shutil.copy(seed_file(UPLOAD_SEED), src)
        report = pipeline.ingest([src], _settings(store), progress=False, index=False)
        assert report.ok
        app.state.live.check_every = 0.0
        after = c.get("/api/meetings", headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["etag"] != etag
        assert after.json()["total"] == before.json()["total"] + 1
        gentofte = [m for m in after.json()["data"] if "gentofte" in m["meeting"]["iri"]]
        assert gentofte and c.get(gentofte[0]["link"]).status_code == 200


def test_not_found_and_bad_iris_in_both_languages(client: TestClient) -> None:
    r = client.get("/api/item", params={"iri": "https://raadsgraf.dk/id/kommune/x/punkt/1"})
    err = _error(r)
    assert r.status_code == 404 and err["code"] == "not_found"
    assert "Dagsordenspunktet findes ikke" in err["message_da"]
    r = client.get("/api/person", params={"iri": "bogus-person"})
    assert r.status_code in (400, 422) and _error(r)
    r = client.get("/api/person", params={"iri": "https://raadsgraf.dk/id/person/bogus"})
    assert r.status_code == 404 and "Personen" in _error(r)["message_da"]
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and _error(r)["message_da"] == "Det findes ikke."


HOSTILE = [
    "https://raadsgraf.dk/id/x> } ; DROP ALL ; SELECT * { <x",
    "https://raadsgraf.dk/id/x>\n} INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
    'https://raadsgraf.dk/id/"x" } UNION { ?s ?p ?o',
    "https://raadsgraf.dk/id/\\u003E } . ?s ?p ?o . {",
    "https://x/{}|^`\t\r",
]
HOSTILE_TEXT = [
    '" } ; DROP ALL ; #',
    '24-012144" . ?s ?p ?o . FILTER("',
    '\\" ) } INSERT DATA { <urn:a> <urn:b> <urn:c> }',
    "'; DELETE WHERE { ?s ?p ?o } #",
    "x\n} CLEAR ALL",
]


def test_hostile_iris_and_strings_stay_values(client: TestClient) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    n = client.get("/sparql", params={"query": count}).json()
    for iri in HOSTILE:
        for path in ("item", "person", "committee", "meeting", "policy"):
            r = client.get(f"/api/{path}", params={"iri": iri})
            # not an IRI at all (400), or an IRI naming nothing (404): never query text
            assert r.status_code in (400, 404), (path, iri, r.text)
            _error(r)
        r = client.get("/api/meetings", params={"committee": iri})
        assert r.status_code in (200, 400)
        if r.status_code == 200:
            assert r.json()["total"] == 0
    for text in HOSTILE + HOSTILE_TEXT:
        r = client.get("/api/history", params={"target": text})
        assert r.status_code == 404, (text, r.text)
        _error(r)
        r = _search(client, q=text, committee=text, municipality=text)
        assert r.status_code == 200 and r.json()["results"] == []
        r = client.get("/api/lineage", params={"date": "2022-10-04", "item": 1, "committee": text})
        assert r.status_code in (200, 404)
    assert client.get("/sparql", params={"query": count}).json() == n
    ask = client.get("/sparql", params={"query": "ASK { <urn:a> <urn:b> <urn:c> }"}).json()
    assert ask["boolean"] is False


def test_a_crash_is_500_with_request_id_and_the_trace_in_the_log(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rg, _ = client.app.state.live.current()  # type: ignore[attr-defined]

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk failure in /srv/raadsgraf/store/gen-1/graph")

    monkeypatch.setattr(rg, "committees", crash)
    with caplog.at_level(logging.ERROR, logger="raadsgraf.serve"):
        r = client.get("/api/committees", params={"offset": 7})
    err = _error(r)
    assert r.status_code == 500 and "detail" not in err and "/srv" not in r.text
    assert err["request_id"] in caplog.text and "disk failure" in caplog.text


def test_rate_limit_cors_metrics_and_access_log(
    seed_store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(seed_store, serve_rate_limit=12, serve_cors_origins="https://kommune.dk")
    app = create_app(seed_store, settings, ServeOptions(warm=False))
    with TestClient(app) as c, caplog.at_level(logging.INFO, logger="raadsgraf.access"):
        caplog.handler.setLevel(logging.INFO)
        logging.getLogger("raadsgraf.access").addHandler(caplog.handler)
        statuses = [c.get("/api/facets").status_code for _ in range(14)]
        assert statuses[:10] == [200] * 10 and statuses[-1] == 429
        r = c.get("/api/facets")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert _error(r)["code"] == "rate_limited"
        assert c.get("/healthz").status_code == 200  # probes are never limited
        metrics = c.get("/metrics")
        assert metrics.headers["content-type"].startswith("text/plain")
        assert (
            'raadsgraf_http_requests_total{route="/api/facets",status="200"} 10.0' in metrics.text
        )
        assert "raadsgraf_rate_limited_total" in metrics.text
        lines = [json.loads(m) for m in caplog.messages if m.startswith("{")]
        assert {"request_id", "client", "method", "path", "status", "ms"} <= set(lines[0])
        assert any(line["status"] == 429 for line in lines)
        logging.getLogger("raadsgraf.access").removeHandler(caplog.handler)
    app = create_app(
        seed_store,
        _settings(seed_store, serve_cors_origins="https://kommune.dk"),
        ServeOptions(warm=False),
    )
    with TestClient(app) as c:
        ok = c.get("/api/facets", headers={"Origin": "https://kommune.dk"})
        assert ok.headers["access-control-allow-origin"] == "https://kommune.dk"
        other = c.get("/api/facets", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_health(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_links_are_encoded_values(client: TestClient) -> None:
    r = _search(client, q="budget & drift", limit=1)
    nxt = r.json()["links"]["next"]
    assert parse_qs(urlparse(nxt).query)["q"] == ["budget & drift"]

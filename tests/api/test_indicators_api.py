"""GET /api/indicators and /api/indicators/{code}/explain: scope by role, bad input."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from motcua.indicators.registry import FORMULA_SETS
from tests.accounts.cast import Cast
from tests.api.helpers import dossiers

QD766 = FORMULA_SETS["qd766-2025"]
JULY = {"from": "2024-07-01", "to": "2024-07-31"}


def get(client: Client, path: str, **params: str):
    return client.get(path, params)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# who, unit asked for, expected status: leaders see their subtree, others get 404
MATRIX = [
    ("alice", "H67", 200),
    ("alice", "H67.31.01", 200),
    ("bob", "H67.30", 200),
    ("bob", "H67.30.01", 200),
    ("bob", "H67.31", 404),
    ("bob", "H67", 404),
    ("charlie", "H67.11", 200),
    ("charlie", "H67.30", 404),
    ("root", "H67.31", 200),
    ("dave", "H67.30", 403),  # no role: may not view indicators at all
]


@pytest.mark.parametrize(("who", "code", "status"), MATRIX)
def test_indicator_access_by_role_and_unit(cast: Cast, who: str, code: str, status: int) -> None:
    response = as_user(getattr(cast, who)).get("/api/indicators", {**JULY, "unit": code})
    assert response.status_code == status, response.content
    if status == 200:
        assert {row["unit_code"] for row in response.json()} >= {code}


def test_another_units_data_is_indistinguishable_from_a_missing_unit(cast: Cast) -> None:
    bob = as_user(cast.bob)
    hidden = bob.get("/api/indicators", {**JULY, "unit": "H67.31"})
    missing = bob.get("/api/indicators", {**JULY, "unit": "H67.99"})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("H67.31", "X") == missing.json()["detail"].replace(
        "H67.99", "X"
    )


def test_anonymous_callers_are_refused(cast: Cast) -> None:
    assert Client().get("/api/indicators", JULY).status_code == 401
    assert Client().get("/api/units").status_code == 401


def test_rows_are_those_of_the_cli(cast: Cast) -> None:
    dossiers(cast.c1, online=3, counter=1)
    dossiers(cast.agency, online=1, counter=1)
    out = io.StringIO()
    call_command(
        "indicators_show",
        "--from",
        "2024-07-01",
        "--to",
        "2024-07-31",
        "--unit",
        "H67",
        "--format",
        "json",
        stdout=out,
    )
    cli_rows = json.loads(out.getvalue())
    api_rows = as_user(cast.alice).get("/api/indicators", {**JULY, "unit": "H67"}).json()
    assert api_rows == cli_rows
    online = {r["unit_code"]: r for r in api_rows if r["indicator"] == "online_received"}
    assert (online["H67"]["numerator"], online["H67"]["denominator"]) == (4, 6)
    assert online["H67.30"]["rate"] == 0.75


def test_without_a_unit_each_caller_gets_exactly_its_units(cast: Cast) -> None:
    def units_of(user) -> set[str]:
        rows = as_user(user).get("/api/indicators", JULY).json()
        return {row["unit_code"] for row in rows}

    assert units_of(cast.bob) == {"H67.30", "H67.30.01"}
    assert units_of(cast.charlie) == {"H67.11"}
    assert units_of(cast.alice) == {"H67", "H67.30", "H67.30.01", "H67.31", "H67.31.01", "H67.11"}


def test_level_and_set_filter_the_rows(cast: Cast) -> None:
    alice = as_user(cast.alice)
    rows = alice.get("/api/indicators", {**JULY, "level": "district"}).json()
    assert {r["unit_code"] for r in rows} == {"H67.30", "H67.31"}
    scored = alice.get("/api/indicators", {**JULY, "unit": "H67.30", "set": "qd766-2025"}).json()
    totals = [r for r in scored if r["indicator"] == "total"]
    assert {r["unit_code"] for r in totals} == {"H67.30", "H67.30.01"}
    assert all(r["max_score"] == QD766.max_score for r in totals)
    picked = alice.get(
        "/api/indicators",
        {**JULY, "unit": "H67.30", "set": "qd766-2025", "indicator": "PROGRESS_ON_TIME,total"},
    ).json()
    assert {r["indicator"] for r in picked} == {"PROGRESS_ON_TIME", "total"}
    assert len(picked) == 4  # two indicators × H67.30 and its commune


@pytest.mark.parametrize(
    ("params", "status", "names"),
    [
        ({"from": "2024-13-01", "to": "2024-07-31"}, 422, "from"),
        ({"to": "2024-07-31"}, 422, "from"),
        ({"from": "2024-07-31", "to": "2024-07-01"}, 400, "from/to"),
        ({**JULY, "set": "qd999"}, 400, "set"),
        ({**JULY, "level": "hamlet"}, 422, "level"),
        ({**JULY, "unit": "not a code"}, 400, "unit"),
        ({**JULY, "indicator": "NOT_AN_INDICATOR"}, 400, "indicator"),
        ({**JULY, "indicator": ","}, 400, "indicator"),
    ],
)
def test_bad_input_names_the_parameter(cast: Cast, params: dict, status: int, names: str) -> None:
    response = as_user(cast.alice).get("/api/indicators", params)
    assert response.status_code == status
    assert names in json.dumps(response.json())


def test_explain_lists_the_dossiers_with_their_reasons(cast: Cast) -> None:
    dossiers(cast.c1, online=2, counter=1)
    response = as_user(cast.bob).get(
        "/api/indicators/online_received/explain", {**JULY, "unit": "H67.30"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["numerator"], body["denominator"]) == (2, 3)
    assert body["formula"]
    assert body["in_numerator"]["total"] == 2
    assert [(d["kind"], d["reason"]) for d in body["not_in_numerator"]["items"]] == [
        ("dossier", "không: nộp trực tuyến")
    ]


def test_explain_is_paginated(cast: Cast) -> None:
    dossiers(cast.c1, online=0, counter=55)
    url = "/api/indicators/online_received/explain"
    alice = as_user(cast.alice)
    first = alice.get(url, {**JULY, "unit": "H67.30.01"}).json()
    second = alice.get(url, {**JULY, "unit": "H67.30.01", "page": "2"}).json()
    assert (first["pages"], len(first["not_in_numerator"]["items"])) == (2, 50)
    assert len(second["not_in_numerator"]["items"]) == 5
    codes = {d["code"] for d in first["not_in_numerator"]["items"]}
    assert codes.isdisjoint(d["code"] for d in second["not_in_numerator"]["items"])
    assert alice.get(url, {**JULY, "unit": "H67.30.01", "page": "0"}).status_code == 422


def test_explain_respects_scope_and_names_bad_input(cast: Cast) -> None:
    bob = as_user(cast.bob)
    url = "/api/indicators/online_received/explain"
    assert bob.get(url, {**JULY, "unit": "H67.31"}).status_code == 404
    assert bob.get(url, JULY).status_code == 422  # unit is required
    unknown = bob.get("/api/indicators/nope/explain", {**JULY, "unit": "H67.30"})
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    payments = bob.get(
        "/api/indicators/online_payment_transactions/explain", {**JULY, "unit": "H67.30"}
    )
    assert payments.status_code == 400 and "payment" in payments.json()["detail"]


def test_formula_sets_describe_indicators_groups_and_flags(cast: Cast) -> None:
    sets = {s["id"]: s for s in as_user(cast.charlie).get("/api/formula-sets").json()}
    assert {"plan", "qd766-2025"} <= set(sets)
    qd = sets["qd766-2025"]
    assert qd["max_score"] == sum(g["max_score"] for g in qd["groups"]) == QD766.max_score
    assert [i["code"] for i in qd["indicators"]] == [i.code for i in QD766.indicators]
    assert any(i["provisional"] for i in qd["indicators"])
    assert sets["plan"]["groups"] == [] and sets["plan"]["max_score"] is None


def test_units_lists_what_the_caller_may_see(cast: Cast) -> None:
    rows = as_user(cast.bob).get("/api/units").json()
    assert [(r["code"], r["parent_code"]) for r in rows] == [
        ("H67.30", "H67"),
        ("H67.30.01", "H67.30"),
    ]
    assert as_user(cast.dave).get("/api/units").json() == []
    assert len(as_user(cast.root).get("/api/units").json()) == 6
    assert as_user(cast.bob).get("/api/units", {"on": "someday"}).status_code == 422

"""The figure pages: scope (another unit is a 404), figures equal to the engine's, the
cache following the data, the XLSX export, bounded queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.test import Client

from tests.accounts.cast import build_cast

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


def test_a_visitor_gets_the_landing_page_with_the_staff_login(client: Client) -> None:
    build_cast()
    html = client.get("/").content.decode()
    assert 'id="staff-login"' in html
    assert "score-766" not in html


def test_the_monitor_sees_the_province_dashboard(client: Client) -> None:
    cast = build_cast()
    response = signed_in(client, cast.alice).get("/?period=2024-07")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="score-766"' in html and "Tỉnh P" in html
    assert "Server-Timing" in response.headers


def test_the_leader_dashboard_is_its_district(client: Client) -> None:
    cast = build_cast()
    html = signed_in(client, cast.bob).get("/?period=2024-07").content.decode()
    assert "Tổng quan: Huyện Một" in html
    assert "Tỉnh P" not in html.split('id="my-scope"')[0]


def test_unit_and_indicator_pages_render(client: Client) -> None:
    cast = build_cast()
    c = signed_in(client, cast.alice)
    assert c.get("/don-vi/H67.30/?period=2024-07").status_code == 200
    assert c.get("/chi-so/PROGRESS_ON_TIME/?unit=H67&period=2024-07").status_code == 200
    assert c.get("/chi-so/online_received/?unit=H67.30&period=2024-07").status_code == 200


# --- with dossiers -------------------------------------------------------------------


def _july(cast):
    """Five dossiers received in July 2024 in D1's commune C1 and two in D2: on time,
    late, open; aggregates and running totals built."""
    from motcua.indicators.facts import rebuild
    from motcua.procedures.models import Procedure
    from tests.indicators.conftest import at, make_dossier

    procedure = Procedure.objects.create(code="1.000001", name="Cấp giấy phép", time_limit=5)
    made = []
    for i, (unit, finished) in enumerate(
        [
            (cast.c1, "2024-07-05"),
            (cast.c1, "2024-07-20"),
            (cast.c1, None),
            (cast.d1, "2024-07-04"),
            (cast.c1, "2024-07-04"),
            (cast.c2, "2024-07-04"),
            (cast.c2, None),
        ]
    ):
        fields = {
            "received_at": at("2024-07-01"),
            "due_at": at("2024-07-10"),
            "channel": 2 if i % 2 else 1,
            "status": 9 if finished else 4,
            "finished_at": at(finished) if finished else None,
        }
        made.append(make_dossier(unit, procedure, **fields))
    rebuild()
    return made


def _engine(set_id: str, code: str, unit, period):
    from motcua.indicators.engine import compute
    from motcua.indicators.registry import formula_set
    from motcua.units.history import rollup_map
    from motcua.web.figures import subset

    fs = formula_set(set_id)
    members = {unit.pk: rollup_map(period.start, period.end).get(unit.pk, {unit.pk})}
    (figure,) = compute(subset(fs, [code]), members, period)
    return figure


def test_the_indicator_page_shows_the_engines_figure_and_every_dossier_with_its_reason(
    client: Client,
) -> None:
    from motcua.indicators.period import Period

    cast = build_cast()
    _july(cast)
    july = Period.parse("2024-07")
    expected = _engine("qd766-2025", "PROGRESS_ON_TIME", cast.d1, july)
    assert (expected.numerator, expected.denominator) == (3, 5)  # five in D1's subtree
    response = signed_in(client, cast.bob).get(
        "/chi-so/PROGRESS_ON_TIME/?unit=H67.30&period=2024-07"
    )
    html = response.content.decode()
    assert '<strong id="numerator">3</strong>' in html
    assert '<strong id="denominator">5</strong>' in html
    assert "Trong a nhưng không được tính vào b: 2" in html
    # The late dossier is listed with the engine's reason.
    assert "sau hạn" in html.split('id="not-in-b"')[1]


def test_another_units_pages_are_404_for_a_leader(client: Client) -> None:
    cast = build_cast()
    c = signed_in(client, cast.bob)
    assert c.get("/don-vi/H67.31/").status_code == 404
    assert c.get("/don-vi/H67/").status_code == 404
    assert c.get("/don-vi/NOPE/").status_code == 404
    assert c.get("/chi-so/PROGRESS_ON_TIME/?unit=H67.31").status_code == 404
    assert c.get("/chi-so/PROGRESS_ON_TIME/?unit=H67.31&format=xlsx").status_code == 404
    assert c.get("/don-vi/H67.30.01/").status_code == 200  # its commune


def test_an_account_without_figures_sees_no_figure_page(client: Client) -> None:
    cast = build_cast()
    c = signed_in(client, cast.dave)
    assert "score-766" not in c.get("/").content.decode()
    assert c.get("/don-vi/H67/").status_code == 404
    assert c.get("/chi-so/PROGRESS_ON_TIME/").status_code == 404
    assert Client().get("/don-vi/H67/").status_code == 404


def test_a_dossier_change_invalidates_the_cached_figure(client: Client) -> None:
    from motcua.dossiers.workflow import change_status
    from tests.indicators.conftest import at

    cast = build_cast()
    made = _july(cast)
    c = signed_in(client, cast.alice)
    url = "/chi-so/PROGRESS_ON_TIME/?unit=H67.30&period=2024-07"
    assert '<strong id="numerator">3</strong>' in c.get(url).content.decode()
    first = c.get(url)
    assert (
        "hits=" in first.headers["Server-Timing"] and "misses=0" in first.headers["Server-Timing"]
    )
    # The open dossier (due 10/07) is finished on time: b grows at once.
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    assert '<strong id="numerator">4</strong>' in c.get(url).content.decode()


def test_a_dossier_change_in_one_unit_leaves_the_other_units_figures_warm(
    client: Client, monkeypatch
) -> None:
    from motcua.dossiers.workflow import change_status
    from motcua.web import unit_page
    from tests.indicators.conftest import at

    cast = build_cast()
    made = _july(cast)
    c = signed_in(client, cast.alice)
    pages = {
        code: f"/chi-so/PROGRESS_ON_TIME/?unit={code}&period=2024-07"
        for code in ("H67", "H67.30", "H67.31")
    }
    before = {code: c.get(url).content.decode() for code, url in pages.items()}
    assert '<strong id="numerator">3</strong>' in before["H67.30"]
    assert '<strong id="numerator">4</strong>' in before["H67"]
    d1_unit = c.get("/don-vi/H67.30/?period=2024-07").content.decode()
    assert c.get("/don-vi/H67.31/?period=2024-07").status_code == 200
    # The open dossier of D1's commune (due 10/07) is finished on time.
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    # D1 and the province follow at once.
    assert '<strong id="numerator">4</strong>' in c.get(pages["H67.30"]).content.decode()
    assert '<strong id="numerator">5</strong>' in c.get(pages["H67"]).content.decode()
    after = c.get("/don-vi/H67.30/?period=2024-07").content.decode()
    assert after.split('id="main"')[-1] != d1_unit.split('id="main"')[-1]
    # D2's figures are served from the cache: computing them again would fail.
    monkeypatch.setattr(unit_page, "build", lambda *a: pytest.fail("D2's page recomputed"))
    assert "Huyện Hai" in c.get("/don-vi/H67.31/?period=2024-07").content.decode()
    response = c.get(pages["H67.31"])
    assert '<strong id="numerator">1</strong>' in before["H67.31"]
    assert '<strong id="numerator">1</strong>' in response.content.decode()
    assert "misses=0" in response.headers["Server-Timing"]


def test_the_xlsx_export_holds_the_figure_and_every_dossier(client: Client) -> None:
    from openpyxl import load_workbook

    cast = build_cast()
    made = _july(cast)
    response = signed_in(client, cast.alice).get(
        "/chi-so/PROGRESS_ON_TIME/?unit=H67.30&period=2024-07&format=xlsx"
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[4][:2] == ("b", 3) and rows[5][:2] == ("a", 5)
    listed = {row[2]: row[0] for row in rows[9:] if row and row[0] in ("b", "a−b")}
    d1_codes = {d.code for d in made if d.unit_id in (cast.d1.pk, cast.c1.pk)}
    assert set(listed) == d1_codes
    assert listed[made[1].code] == "a−b"


def test_the_unit_page_names_what_drags_it_down(client: Client) -> None:
    cast = build_cast()
    _july(cast)
    html = signed_in(client, cast.alice).get("/don-vi/H67/?period=2024-07").content.decode()
    assert 'id="losses"' in html
    # D2 holds one of the province's two dossiers not on time...
    subs = html.split('id="sub-units"')[1].split("</table>")[0]
    assert "Huyện Hai" in subs or "Huyện Một" in subs
    # ...and the one procedure holds them (the daily aggregates grouped by procedure).
    procedures = html.split('id="procedures"')[1].split("</table>")[0]
    assert "1.000001" in procedures
    assert 'id="overdue"' in html


def test_the_dashboard_shows_the_engines_766_total(client: Client) -> None:
    from motcua.indicators.engine import compute, group_scores
    from motcua.indicators.period import Period
    from motcua.indicators.reconcile import active_formula_set
    from motcua.units.history import rollup_map

    cast = build_cast()
    _july(cast)
    july = Period.parse("2024-07")
    fs = active_formula_set()
    members = {cast.province.pk: rollup_map(july.start, july.end)[cast.province.pk]}
    total = sum(g.score or 0 for g in group_scores(fs, compute(fs, members, july)))
    html = signed_in(client, cast.alice).get("/?period=2024-07").content.decode()
    shown = html.split('class="score-value">')[1].split("<")[0]
    assert shown == f"{total:.2f}".replace(".", ",")


def test_pages_use_a_bounded_number_of_queries_when_cached(
    client: Client, django_assert_max_num_queries
) -> None:
    cast = build_cast()
    _july(cast)
    c = signed_in(client, cast.bob)
    urls = [
        "/?period=2024-07",
        "/don-vi/H67.30/?period=2024-07",
        "/chi-so/PROGRESS_ON_TIME/?unit=H67.30&period=2024-07",
    ]
    for url in urls:
        c.get(url)  # warm
    for url in urls:
        with django_assert_max_num_queries(25):
            assert c.get(url).status_code == 200


def test_the_dashboard_offers_a_campaign_outside_the_period_and_lists_its_units_at_risk(
    client: Client,
) -> None:
    from motcua.campaigns.models import Campaign, Target

    cast = build_cast()
    _july(cast)
    campaign = Campaign.objects.create(
        name="Chiến dịch tháng 7",
        start=dt.date(2024, 7, 1),
        end=dt.date(2024, 7, 31),
        scope_root=cast.province,
        scope_levels=["district"],
        indicators=["online_received"],
        min_dossiers=1,
    )
    Target.objects.create(
        campaign=campaign, indicator="online_received", level="district", kind="absolute", value=90
    )
    c = signed_in(client, cast.alice)
    html = c.get("/?period=2024-09").content.decode()
    assert f"?period=campaign:{campaign.pk}" in html.split('id="recent-campaigns"')[1]
    html = c.get(f"/?period=campaign:{campaign.pk}").content.decode()
    at_risk = html.split('id="at-risk"')[1].split("</table>")[0]
    # Both districts are below 90% online; evaluated on the reference day (01/07, the last
    # day with dossiers), before the campaign's end and with no snapshot to project from.
    assert "Huyện Một" in at_risk and "Huyện Hai" in at_risk
    assert at_risk.count("Có nguy cơ không đạt") == 2
    # A leader sees only its own district in the list.
    html = signed_in(Client(), cast.bob).get(f"/?period=campaign:{campaign.pk}").content.decode()
    at_risk = html.split('id="at-risk"')[1].split("</table>")[0]
    assert "Huyện Một" in at_risk and "Huyện Hai" not in at_risk

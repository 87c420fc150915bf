"""The dossier list and detail pages: scope, masking and audited unmasking, search, filters,
bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers import search
from motcua.dossiers.models import Status
from tests.accounts.cast import Cast, build_cast
from tests.factories import DossierFactory, PaymentFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(db: None) -> Cast:
    return build_cast()


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def dossiers(cast: Cast) -> dict[str, object]:
    chung_thuc = ProcedureFactory(name="Chứng thực bản sao từ bản chính")
    khai_sinh = ProcedureFactory(name="Đăng ký khai sinh")
    now = timezone.now()
    d1 = DossierFactory(
        unit=cast.d1,
        procedure=chung_thuc,
        received=True,
        applicant_name="Trần Thị Bưởi",
        applicant_id="001099012345",
        phone="0987654321",
        received_at=now - dt.timedelta(days=10),
        due_at=now - dt.timedelta(days=1),
    )
    c1 = DossierFactory(
        unit=cast.c1,
        procedure=khai_sinh,
        online=True,
        processing=True,
        applicant_name="Lê Văn Đức",
        received_at=now - dt.timedelta(days=1),
        due_at=now + dt.timedelta(days=1),
    )
    d2 = DossierFactory(
        unit=cast.d2,
        procedure=khai_sinh,
        finished_on_time=True,
        applicant_name="Phạm Đình Nguyên",
        received_at=now - dt.timedelta(days=5),
    )
    PaymentFactory(dossier=d1, amount=25_000, reference="GD-0001")
    return {"d1": d1, "c1": c1, "d2": d2}


def codes_on(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {d.code for d in response.context["page"].rows}


def test_the_list_shows_only_the_units_in_scope(cast, dossiers) -> None:
    url = reverse("dossiers:list")
    assert codes_on(client_for(cast.bob).get(url)) == {dossiers["d1"].code, dossiers["c1"].code}
    assert codes_on(client_for(cast.alice).get(url)) == {d.code for d in dossiers.values()}
    assert codes_on(client_for(cast.charlie).get(url)) == set()


def test_without_the_capability_the_list_is_forbidden_and_anonymous_goes_to_login(
    cast, dossiers
) -> None:
    assert client_for(cast.dave).get(reverse("dossiers:list")).status_code == 403
    response = Client().get(reverse("dossiers:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_units_dossier_is_a_404(cast, dossiers) -> None:
    bob = client_for(cast.bob)
    assert bob.get(reverse("dossiers:detail", args=[dossiers["d1"].code])).status_code == 200
    assert bob.get(reverse("dossiers:detail", args=[dossiers["d2"].code])).status_code == 404
    unmask = reverse("dossiers:unmask", args=[dossiers["d2"].code])
    assert bob.post(unmask).status_code == 404
    assert bob.get(reverse("dossiers:detail", args=["KHONG-CO"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chung thuc", {"d1"}),  # procedure name without accents
        ("CHỨNG THỰC", {"d1"}),  # with accents, upper case
        ("khai sinh", {"c1", "d2"}),
        ("tran thi buoi", {"d1"}),  # applicant name without accents
        ("le van", {"c1"}),  # the start of a name
        ("PHẠM ĐÌNH", {"d2"}),
        ("buoi", set()),  # names match from their start
        ("001099012345", {"d1"}),  # ID number, through its keyed hash
        ("khong ai ca", set()),
    ],
)
def test_search_is_accent_insensitive(cast, dossiers, query, expected) -> None:
    response = client_for(cast.alice).get(reverse("dossiers:list"), {"q": query})
    assert codes_on(response) == {dossiers[k].code for k in expected}


def test_search_by_code_prefix(cast, dossiers) -> None:
    code = dossiers["c1"].code
    alice = client_for(cast.alice)
    assert codes_on(alice.get(reverse("dossiers:list"), {"q": code})) == {code}
    prefix = code.rsplit("-", 1)[0]
    found = codes_on(alice.get(reverse("dossiers:list"), {"q": prefix}))
    assert code in found and dossiers["d2"].code not in found


def test_filters(cast, dossiers) -> None:
    alice = client_for(cast.alice)
    url = reverse("dossiers:list")
    d1, c1, d2 = dossiers["d1"].code, dossiers["c1"].code, dossiers["d2"].code
    assert codes_on(alice.get(url, {"unit": cast.c1.pk})) == {c1}
    assert codes_on(alice.get(url, {"status": Status.PROCESSED})) == {d2}
    assert codes_on(alice.get(url, {"channel": 2})) == {c1}
    assert codes_on(alice.get(url, {"online": "on"})) == {c1}
    assert codes_on(alice.get(url, {"due": "overdue"})) == {d1}
    assert codes_on(alice.get(url, {"due": "nearly_due"})) == {c1}
    procedure = dossiers["d1"].procedure.code
    assert codes_on(alice.get(url, {"procedure": procedure})) == {d1}
    today = timezone.localdate()
    recent = {"received_from": (today - dt.timedelta(days=6)).isoformat()}
    assert codes_on(alice.get(url, recent)) == {c1, d2}
    window = {**recent, "received_to": (today - dt.timedelta(days=3)).isoformat()}
    assert codes_on(alice.get(url, window)) == {d2}


def test_a_unit_outside_the_scope_is_not_a_valid_filter(cast, dossiers) -> None:
    response = client_for(cast.bob).get(reverse("dossiers:list"), {"unit": cast.d2.pk})
    assert response.status_code == 400
    assert response.context["page"] is None


def test_bad_filters_say_what_is_wrong(cast, dossiers) -> None:
    response = client_for(cast.alice).get(
        reverse("dossiers:list"),
        {"procedure": "9.999999", "received_from": "2024-02-10", "received_to": "2024-02-01"},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Không có thủ tục mã 9.999999." in text
    assert "Ngày kết thúc trước ngày bắt đầu." in text


def test_sorting(cast, dossiers) -> None:
    alice = client_for(cast.alice)
    url = reverse("dossiers:list")
    newest = [d.code for d in alice.get(url).context["page"].rows]
    assert newest == [dossiers[k].code for k in ("c1", "d2", "d1")]
    oldest = [d.code for d in alice.get(url, {"sort": "received"}).context["page"].rows]
    assert oldest == list(reversed(newest))


def test_the_list_needs_the_same_queries_whatever_the_page_size(
    cast, django_assert_max_num_queries
) -> None:
    procedure = ProcedureFactory(name="Chứng thực chữ ký")
    DossierFactory.create_batch(60, unit=cast.d1, procedure=procedure, received=True)
    alice = client_for(cast.alice)
    alice.get(reverse("dossiers:list"), {"q": "chung thuc"})  # the folded catalogue cached
    # session, user, roles, scope (6), units (choices, count), data generation (search),
    # on SQLite the status filters' probe, then count, ids, rows
    for params, rows in (
        ({"size": 5}, 5),
        ({"size": 60}, 60),
        ({"page": 2}, 10),
        ({"size": 60, "status": Status.RECEIVED, "due": "nearly_due"}, 0),
        ({"size": 60, "status": Status.RECEIVED}, 60),
    ):
        with django_assert_max_num_queries(14):
            page = alice.get(reverse("dossiers:list"), {"q": "chung thuc", **params})
        assert len(page.context["page"].rows) == rows


def test_counting_stops_at_the_limit(cast, monkeypatch) -> None:
    monkeypatch.setattr(search, "COUNT_LIMIT", 5)
    DossierFactory.create_batch(8, unit=cast.d1, received=True)
    response = client_for(cast.alice).get(reverse("dossiers:list"))
    page = response.context["page"]
    assert page.count == 6 and page.more_than_limit
    assert "Hơn 10.000 hồ sơ" in response.content.decode()


def test_the_detail_shows_masked_personal_data_and_the_timeline(cast, dossiers) -> None:
    response = client_for(cast.bob).get(reverse("dossiers:detail", args=[dossiers["d1"].code]))
    text = response.content.decode()
    assert "*********345" in text and "001099012345" not in text
    assert "0987654321" not in text
    assert "GD-0001" in text and "25.000" in text  # the payment, Vietnamese digits
    assert "Tạo hồ sơ" in text  # the created event
    assert 'id="unmask"' not in text  # a unit leader may not unmask
    assert not AuditEvent.objects.filter(action="dossier.unmask").exists()


def test_a_leader_cannot_unmask(cast, dossiers) -> None:
    url = reverse("dossiers:unmask", args=[dossiers["d1"].code])
    assert client_for(cast.bob).post(url).status_code == 403
    assert not AuditEvent.objects.filter(action="dossier.unmask").exists()


def test_unmasking_is_a_post_recorded_in_the_audit_trail(cast, dossiers) -> None:
    officer = build_officer(cast)
    c = client_for(officer)
    url = reverse("dossiers:unmask", args=[dossiers["d1"].code])
    assert c.get(url).status_code == 405
    assert (
        'id="unmask"'
        in c.get(reverse("dossiers:detail", args=[dossiers["d1"].code])).content.decode()
    )
    response = c.post(url)
    text = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "001099012345" in text and "0987654321" in text
    event = AuditEvent.objects.get(action="dossier.unmask")
    assert event.actor == officer and event.object_id == str(dossiers["d1"].pk)
    assert event.data["code"] == dossiers["d1"].code
    assert event.data["fields"] == ["SoDienThoai", "SoGiayToChuHoSo"]


def build_officer(cast: Cast):
    from django.contrib.auth.models import User

    from motcua.accounts.roles import Role
    from motcua.accounts.services import grant

    user = User.objects.create(username="olga")
    grant(user, Role.ONE_STOP_OFFICER, [cast.d1])
    return user


def test_supplement_dates_read_as_dates(cast) -> None:
    received = dt.datetime(2024, 8, 1, 9, 0, tzinfo=dt.UTC)
    dossier = DossierFactory(
        unit=cast.d1, supplemented=True, received_at=received, due_at=received + dt.timedelta(7)
    )
    text = client_for(cast.bob).get(reverse("dossiers:detail", args=[dossier.code])).content
    assert "02/08/2024 16:00" in text.decode()  # NgayBoSung, local time (UTC+7)


def test_a_row_shows_the_dossier_escaped_in_local_time_and_translated(cast) -> None:
    received = dt.datetime(2024, 8, 1, 1, 30, tzinfo=dt.UTC)  # 08:30 in Hà Nội
    dossier = DossierFactory(
        unit=cast.d1,
        procedure=ProcedureFactory(name="Cấp phép <b>xây dựng</b>"),
        online=True,
        processing=True,
        applicant_name="Nguyễn & Con",
        received_at=received,
        due_at=None,
    )
    alice = client_for(cast.alice)

    def cells(**headers: str) -> list[str]:
        text = alice.get(reverse("dossiers:list"), headers=headers).content.decode()
        row = text[text.index(f'<a href="/ho-so/{dossier.code}/">') :]
        row = row[: row.index("</tr>")]
        return [cell.split("</td>")[0].strip() for cell in row.split("<td>")[1:]]

    assert cells() == [
        "Cấp phép &lt;b&gt;xây dựng&lt;/b&gt;",
        "Nguyễn &amp; Con",
        cast.d1.name,
        "Trực tuyến",
        "Đang xử lý",
        "01/08/2024 08:30",
        "—",
    ]
    assert cells(accept_language="en")[3:5] == ["Online", "In progress"]


def test_overdue_dossiers_sorted_by_due_date(cast) -> None:
    now = timezone.now()
    for days in (3, 9, 1):
        DossierFactory(
            unit=cast.d1,
            processing=True,
            received_at=now - dt.timedelta(days=20),
            due_at=now - dt.timedelta(days=days),
        )
    response = client_for(cast.alice).get(
        reverse("dossiers:list"), {"due": "overdue", "sort": "due"}
    )
    dues = [d.due_at for d in response.context["page"].rows]
    assert len(dues) == 3 and dues == sorted(dues)

"""Administrators edit overrides in the admin; every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.audit.models import AuditEvent
from motcua.calendar.models import CalendarOverride
from motcua.calendar.services import current_calendar

pytestmark = pytest.mark.django_db
URL = "/admin/workcalendar/calendaroverride/"


@pytest.fixture
def alice(client: Client) -> Client:
    user = User.objects.create_superuser("alice", "alice@example.org", "x")
    client.force_login(user)
    return client


def test_adding_an_override_is_audited_and_takes_effect(alice: Client) -> None:
    assert current_calendar().is_working_day(dt.date(2025, 3, 10))
    response = alice.post(URL + "add/", {"date": "2025-03-10", "kind": "off", "note": "Bão"})
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_label, event.object_id) == (
        "calendar.override.set",
        "alice",
        "2025-03-10",
    )
    assert event.data["after"]["kind"] == "off"
    assert not current_calendar().is_working_day(dt.date(2025, 3, 10))


def test_deleting_an_override_is_audited(alice: Client) -> None:
    override = CalendarOverride.objects.create(date=dt.date(2025, 2, 8), kind="work")
    response = alice.post(f"{URL}{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()
    event = AuditEvent.objects.get()
    assert event.action == "calendar.override.clear"
    assert event.data["before"]["kind"] == "work"


def test_the_list_page_speaks_vietnamese(alice: Client) -> None:
    CalendarOverride.objects.create(date=dt.date(2025, 2, 8), kind="work")
    assert "Ngày làm việc" in alice.get(URL).content.decode()

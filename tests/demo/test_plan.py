"""The demo's allocation of a row's dossiers to procedures and channels (no database)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from motcua.demo.catalogue import FULL, PAPER, PARTIAL, ProcSpec
from motcua.demo.plan import allocate


def procs(level: str, n: int) -> list[ProcSpec]:
    return [ProcSpec(f"{level}-{i}", f"{level} {i}", "HT", "agency", None, level) for i in range(n)]


USED = {PAPER: procs(PAPER, 3), PARTIAL: procs(PARTIAL, 2), FULL: procs(FULL, 4)}


def test_it_gives_exact_counts_and_uses_every_procedure():
    drafts = allocate(random.Random(1), USED, total=500, online=120)
    assert len(drafts) == 500
    assert sum(on for _p, on in drafts) == 120
    assert {p.code for p, _on in drafts} == {p.code for ps in USED.values() for p in ps}


def test_paper_procedures_get_only_counter_dossiers_when_there_are_some():
    drafts = allocate(random.Random(2), USED, total=50, online=40)
    assert not [p for p, on in drafts if on and p.level == PAPER]


def test_it_files_paper_procedures_online_only_when_every_dossier_is_online():
    drafts = allocate(random.Random(3), USED, total=20, online=20)
    assert Counter(p.level for p, on in drafts if on)[PAPER] == 3


def test_reserved_dossiers_come_first_and_online():
    land = USED[FULL][0]
    drafts = allocate(random.Random(4), USED, total=100, online=30, reserved=[(land, 12)])
    assert drafts[:12] == [(land, True)] * 12
    assert sum(on for _p, on in drafts) == 30


def test_it_refuses_rows_with_fewer_dossiers_than_procedures():
    with pytest.raises(ValueError):
        allocate(random.Random(5), USED, total=5, online=2)


def test_the_same_seed_gives_the_same_allocation():
    first = allocate(random.Random(6), USED, total=300, online=100)
    again = allocate(random.Random(6), USED, total=300, online=100)
    assert [(p.code, on) for p, on in first] == [(p.code, on) for p, on in again]


@pytest.mark.django_db
def test_the_command_builds_into_an_empty_database_and_reports(monkeypatch, capsys):
    from motcua.core.management.commands import demo as command
    from motcua.demo.build import Summary

    seeds = []

    def fake_build(seed):
        seeds.append(seed)
        return Summary(93, 449, 221_959, 80_873, 30.0, 7.0, "f")

    monkeypatch.setattr(command, "is_empty", lambda: True)
    monkeypatch.setattr(command, "build_demo", fake_build)
    from django.core.management import call_command

    call_command("demo", "--seed", "7")
    assert seeds == [7]
    out = capsys.readouterr().out
    assert "221,959 dossiers" in out
    assert "motcua signing demo-pki: authority" in out  # the demo signs for real

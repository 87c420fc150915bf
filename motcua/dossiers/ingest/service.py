"""Importing dossiers: read, normalise, upsert in batches, all or nothing.

Everything given to one call (all files of ``import_files``) is applied in ONE transaction:
if any record is rejected, nothing is written and the report lists every problem. After
the first problem the remaining records are still read and checked (so one run reports
them all) but no longer written.

Records are applied in file order. A MaHoSo that repeats is a later version of the same
dossier (DVCQG resends a dossier on every change): an identical repeat changes nothing, a
different one is applied as an update with its own ``updated`` event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from motcua.dossiers.ingest.normalize import Lookups, Normalized, Normalizer, Rejected
from motcua.dossiers.ingest.readers import Item, read_file
from motcua.dossiers.ingest.report import ImportReport, RecordError
from motcua.dossiers.ingest.writer import Writer
from motcua.procedures.models import Field, Procedure

BATCH_SIZE = 2000


class _Rollback(Exception):
    pass


def import_files(
    paths: Sequence[str | Path],
    *,
    create_missing_procedures: bool = False,
    actor: str = "import",
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import dossier files (DVCQG JSON / JSON Lines, CSV, XLSX) in one transaction."""
    sources = [(Path(p).name, _file_items(Path(p))) for p in paths]
    return _run(sources, create_missing_procedures, actor, batch_size)


def import_records(
    records: Iterable[dict[str, Any]],
    *,
    source: str,
    create_missing_procedures: bool = False,
    actor: str = "import",
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import records already read (either DVCQG shape), in one transaction."""
    items = ((f"record {n}", record, None) for n, record in enumerate(records, 1))
    return _run([(source, items)], create_missing_procedures, actor, batch_size)


def _file_items(path: Path) -> Iterator[Item]:
    if not path.is_file():
        yield "file", None, "not found"
        return
    try:
        yield from read_file(path)
    except UnicodeDecodeError as exc:
        yield "file", None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except (OSError, ValueError) as exc:  # e.g. a broken XLSX archive
        yield "file", None, f"cannot be read: {exc}"


def _run(
    sources: Sequence[tuple[str, Iterable[Item]]],
    create_missing: bool,
    actor: str,
    batch_size: int,
) -> ImportReport:
    report = ImportReport(sources=[name for name, _ in sources])
    try:
        with transaction.atomic():
            run = _ImportRun(report, create_missing, actor, batch_size)
            for name, items in sources:
                run.consume(name, items)
            if not report.ok:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as exc:
        report.add_error(RecordError("database", "batch", "", "", str(exc).strip()))
    if not report.ok:
        report.created = report.updated = report.unchanged = 0
        report.procedures_created = []
    return report


class _ImportRun:
    def __init__(
        self, report: ImportReport, create_missing: bool, actor: str, batch_size: int
    ) -> None:
        self.report = report
        self.batch_size = batch_size
        creator = self._create_procedure if create_missing else None
        self.normalizer = Normalizer(Lookups.load(), creator)
        self.writer = Writer(actor=actor, now=timezone.now())

    def consume(self, source: str, items: Iterable[Item]) -> None:
        batch: dict[str, tuple[str, Normalized]] = {}
        for where, raw, problem in items:
            if raw is None:
                self._reject(source, where, "", [("", "", problem or "unreadable")])
                continue
            try:
                item = self.normalizer.normalize(raw)
            except Rejected as rejected:
                problems = [(p.field, p.value, p.reason) for p in rejected.problems]
                self._reject(source, where, rejected.code, problems)
                continue
            if not self.report.ok:
                continue  # checking only: nothing will be written
            if item.code in batch:
                self._flush(source, batch)  # a later version: apply after the earlier one
            batch[item.code] = (where, item)
            if len(batch) >= self.batch_size:
                self._flush(source, batch)
        self._flush(source, batch)

    def _flush(self, source: str, batch: dict[str, tuple[str, Normalized]]) -> None:
        if batch and self.report.ok:
            result = self.writer.write(list(batch.values()), source)
            self.report.created += result.created
            self.report.updated += result.updated
            self.report.unchanged += result.unchanged
            rejected = set()
            for where, code, p in result.problems:
                self.report.add_error(RecordError(source, where, p.field, p.value, p.reason, code))
                rejected.add(where)
            self.report.rejected += len(rejected)
        batch.clear()

    def _reject(
        self, source: str, where: str, code: str, problems: list[tuple[str, str, str]]
    ) -> None:
        self.report.rejected += 1
        for field_name, value, reason in problems:
            self.report.add_error(RecordError(source, where, field_name, value, reason, code))

    def _create_procedure(self, code: str, name: str, field_code: str, field_name: str) -> int:
        field = None
        if field_code:
            field, _ = Field.objects.get_or_create(
                code=field_code, defaults={"name": field_name or field_code}
            )
        procedure = Procedure(code=code, name=name, field=field)
        procedure.save()
        self.report.procedures_created.append(code)
        return procedure.pk

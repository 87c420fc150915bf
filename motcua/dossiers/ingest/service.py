"""Importing dossiers: read, normalise, upsert in batches, all or nothing.

Everything given to one call (all files of ``import_files``) is applied in ONE transaction:
if any record is rejected, nothing is written and the report lists every problem. After
the first problem the remaining records are still read and checked (so one run reports
them all) but no longer written.

Records are applied in file order. A MaHoSo that repeats is a later version of the same
dossier (DVCQG resends a dossier on every change): an identical repeat changes nothing, a
different one is applied as an update with its own ``updated`` event.

``preview=True`` runs the same import and rolls it back: the report says what would be
created, updated, unchanged and rejected (the import page shows it before confirming).
``unit_ids`` limits the units records may belong to (the importing user's scope): a record
for another unit is rejected.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import zipfile
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from motcua.core.bulk import indexes_set_aside, large_sqlite_cache
from motcua.dossiers import formats as f
from motcua.dossiers.ingest.normalize import Lookups, Normalizer
from motcua.dossiers.ingest.prepare import Failed, Outcome, Prepared, Preparer
from motcua.dossiers.ingest.readers import (
    Item,
    LineBlock,
    Resume,
    array_blocks,
    array_start,
    read_file,
    resume_array,
    split_block,
)
from motcua.dossiers.ingest.report import ImportReport, RecordError
from motcua.dossiers.ingest.writer import Writer
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from motcua.dossiers.signals import dossiers_imported
from motcua.indicators import series
from motcua.indicators.facts import FactReader, buckets_of, refresh_buckets
from motcua.procedures.models import Field, Procedure

BATCH_SIZE = 2000
# Files larger than this are prepared in worker processes (when fork is available).
PARALLEL_FROM_BYTES = 4 << 20
CHUNK = 250  # records per worker task
# Records handed to workers ahead of the writer: enough for them to keep busy while a whole
# batch is written, few enough to keep memory bounded (~4 KB each in flight).
IN_FLIGHT = 3 * BATCH_SIZE


class _Rollback(Exception):
    pass


def import_files(
    paths: Sequence[str | Path],
    *,
    create_missing_procedures: bool = False,
    actor: str = "import",
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
    preview: bool = False,
    unit_ids: Collection[int] | None = None,
) -> ImportReport:
    """Import dossier files (DVCQG JSON / JSON Lines, CSV, XLSX) in one transaction.

    ``workers``: processes that decode and validate records while this one writes; None
    chooses (one per CPU for large files, none for small ones or when procedures may have
    to be created, which needs the database).
    """
    sources = []
    for p in paths:
        path = Path(p)
        count = _workers(path, workers, create_missing_procedures)
        sources.append(_Source(path.name, _file_items(path, raw_text=count > 1), count, path))
    return _run(
        sources, create_missing_procedures, actor, batch_size, preview=preview, unit_ids=unit_ids
    )


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
    return _run([_Source(source, items, 1)], create_missing_procedures, actor, batch_size)


@dataclass
class _Source:
    name: str
    items: Iterable[Item]
    workers: int
    path: Path | None = None

    def tasks(self) -> Iterator[_Task]:
        """The work for worker processes, in order: blocks of lines of a JSON array written
        one element per line (then a Resume), else chunks of items."""
        start = _array_start(self.path) if self.path is not None else None
        if start is None:
            return _chunks(self.items, CHUNK)
        return array_blocks(self.path, start)  # type: ignore[arg-type]

    def resume(self, resume: Resume) -> Iterator[_Task]:
        """Chunks of the items after where line-by-line reading stopped."""
        assert self.path is not None
        return _chunks(_guarded(resume_array(self.path, resume, raw_text=True)), CHUNK)


def _array_start(path: Path) -> int | None:
    try:
        return array_start(path)
    except OSError:
        return None


def _workers(path: Path, asked: int | None, create_missing: bool) -> int:
    if create_missing or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if asked is not None:
        return max(1, asked)
    try:
        large = path.stat().st_size >= PARALLEL_FROM_BYTES
    except OSError:
        return 1
    return min(2, os.cpu_count() or 1) if large and path.suffix.lower() != ".xlsx" else 1


def _file_items(path: Path, *, raw_text: bool) -> Iterator[Item]:
    if not path.is_file():
        yield "file", None, "not found"
        return
    yield from _guarded(read_file(path, raw_text=raw_text))


def _guarded(items: Iterator[Item]) -> Iterator[Item]:
    """``items``, ending with a problem item if the file cannot be read further."""
    try:
        yield from items
    except UnicodeDecodeError as exc:
        yield "file", None, f"not UTF-8 text ({exc.reason} at byte {exc.start})"
    except (OSError, ValueError, zipfile.BadZipFile) as exc:  # e.g. a broken XLSX archive
        yield "file", None, f"cannot be read: {exc}"


def _run(
    sources: Sequence[_Source],
    create_missing: bool,
    actor: str,
    batch_size: int,
    *,
    preview: bool = False,
    unit_ids: Collection[int] | None = None,
) -> ImportReport:
    report = ImportReport(sources=[source.name for source in sources])
    try:
        with (
            _fewer_collections(),
            large_sqlite_cache(SQLITE_CACHE_KIB),
            transaction.atomic(),
            series.batch(),
        ):
            run = _ImportRun(report, create_missing, actor, batch_size)
            run.unit_ids = None if unit_ids is None else frozenset(unit_ids)
            with _initial_load(sources, preview):
                for source in sources:
                    run.consume(source)
                if not report.ok or preview:
                    raise _Rollback  # a preview counts what would happen, then writes nothing
            run.refresh_aggregates()
    except _Rollback:
        pass
    except DatabaseError as exc:
        report.add_error(RecordError("database", "batch", "", "", str(exc).strip()))
    if not report.ok:
        report.created = report.updated = report.unchanged = 0
        report.procedures_created = []
    return report


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage rarely: an import allocates millions of short-lived, acyclic
    containers, and the default thresholds spend a large share of the time scanning them."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


# SQLite page cache for the import's connection (KiB): the indexes of a large table stay
# in memory instead of being re-read from the OS for every batch.
SQLITE_CACHE_KIB = 131_072


# An import into an empty dossier table reading at least this much (an initial load) sets
# the tables' secondary indexes aside on PostgreSQL (docs/dossier-formats.md).
INITIAL_LOAD_BYTES = 64 << 20


def _initial_load(
    sources: Sequence[_Source], preview: bool
) -> contextlib.AbstractContextManager[Any]:
    """On PostgreSQL, for a large import into an empty dossier table: the secondary indexes
    and foreign keys of the tables it fills, set aside while it loads and rebuilt before the
    aggregates are counted, in the same transaction (a failed import rolls back to the
    indexes it started with). The unique indexes stay: the import looks dossiers up by code
    and payments by reference. Readers of those tables wait until the commit."""
    if preview or connection.vendor != "postgresql":
        return contextlib.nullcontext()
    size = 0
    for source in sources:
        with contextlib.suppress(OSError):
            size += source.path.stat().st_size if source.path is not None else 0
    if size < INITIAL_LOAD_BYTES or Dossier.objects.exists():
        return contextlib.nullcontext()
    return indexes_set_aside(Dossier, DossierEvent, Payment, foreign_keys=True)


class _ImportRun:
    def __init__(
        self, report: ImportReport, create_missing: bool, actor: str, batch_size: int
    ) -> None:
        self.report = report
        self.batch_size = batch_size
        creator = self._create_procedure if create_missing else None
        now = timezone.now()
        self.writer = Writer(actor=actor, now=now)
        normalizer = Normalizer(Lookups.load(), creator)
        facts = FactReader.load()
        self.preparer = Preparer(normalizer, postgres=self.writer.postgres, now=now, facts=facts)
        self.unit_ids: frozenset[int] | None = None  # None: any unit

    def consume(self, source: _Source) -> None:
        batch: dict[str, Prepared] = {}
        for outcome in _outcomes(source, self.preparer):
            if isinstance(outcome, Failed):
                self._reject(source.name, outcome)
                continue
            if self.unit_ids is not None and outcome.unit_id not in self.unit_ids:
                reason = "unit outside your scope"
                self._reject(
                    source.name, Failed(outcome.where, outcome.code, [(f.UNIT_CODE, "", reason)])
                )
                continue
            if not self.report.ok:
                continue  # checking only: nothing will be written
            if outcome.code in batch:
                self._flush(source.name, batch)  # a later version: apply after the earlier one
            batch[outcome.code] = outcome
            if len(batch) >= self.batch_size:
                self._flush(source.name, batch)
        self._flush(source.name, batch)

    def _flush(self, source: str, batch: dict[str, Prepared]) -> None:
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

    def refresh_aggregates(self) -> None:
        """The indicator aggregates follow the import, in its transaction: new dossiers'
        facts (computed with the records) are appended, then the buckets of changed
        dossiers, before and after, are recounted (which includes any new ones in them)."""
        dossiers_imported.send(sender=Dossier, ids=self.writer.imported)
        self.writer.tally.flush()
        refresh_buckets(self.writer.old_buckets | buckets_of(self.writer.touched))

    def _reject(self, source: str, failed: Failed) -> None:
        self.report.rejected += 1
        for field_name, value, reason in failed.problems:
            error = RecordError(source, failed.where, field_name, value, reason, failed.code)
            self.report.add_error(error)

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


# -- worker processes ------------------------------------------------------------------------

_PREPARER: Preparer | None = None
# A worker's task: a block of lines of a JSON array, or a chunk of items; a Resume (where
# reading line by line stopped) is handled by the importing process itself.
_Task = LineBlock | list[Item] | Resume
# A task's outcomes, and where ordinary reading must resume when a block's line stopped it.
_Done = tuple[list[Outcome], Resume | None]


def _work(task: LineBlock | list[Item]) -> _Done:
    assert _PREPARER is not None
    if isinstance(task, LineBlock):
        records, resume = split_block(task)
        return [_PREPARER(where, record, None) for where, record in records], resume
    return [_PREPARER(*item) for item in task], None


def _outcomes(source: _Source, preparer: Preparer) -> Iterator[Outcome]:
    """Prepared records in input order, from this process or from forked workers.

    At most ``IN_FLIGHT`` records are in flight, so memory stays bounded. (A
    ``ProcessPoolExecutor`` rather than ``multiprocessing.Pool``: the latter's
    worker-handler thread spins while results wait in its queue, which cost the importing
    process a third of its CPU time.) When a block of lines stops at a line that is not one
    record, the tasks after it are dropped and the file is read from that line the ordinary
    way.
    """
    workers = source.workers
    if workers <= 1:
        for item in source.items:
            yield preparer(*item)
        return
    global _PREPARER
    _PREPARER = preparer  # inherited by the forked workers; they never use the database
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(workers, mp_context=context)
    pending: deque[Future[_Done] | Resume] = deque()
    ahead = max(IN_FLIGHT, 2 * workers * CHUNK) // CHUNK
    tasks = source.tasks()
    try:
        while True:
            for task in tasks:
                pending.append(task if isinstance(task, Resume) else pool.submit(_work, task))
                if isinstance(task, Resume) or len(pending) >= ahead:
                    break
            if not pending:
                return
            head = pending.popleft()
            outcomes, resume = ([], head) if isinstance(head, Resume) else head.result()
            yield from outcomes
            if resume is not None:
                for later in pending:
                    if isinstance(later, Future):
                        later.cancel()
                pending.clear()
                tasks = source.resume(resume)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk

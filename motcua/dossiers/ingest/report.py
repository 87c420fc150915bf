"""What an import did, and what it rejected and why."""

from __future__ import annotations

from dataclasses import dataclass, field

# Errors kept in memory (the total is always counted); the command prints fewer.
MAX_KEPT_ERRORS = 1000


@dataclass(frozen=True, slots=True)
class RecordError:
    """One rejected value: where (file, record/line), which dossier, field, value, why."""

    source: str
    where: str
    field: str
    value: str
    reason: str
    code: str = ""

    def __str__(self) -> str:
        dossier = f" MaHoSo={self.code}" if self.code else ""
        value = f" = {self.value!r}" if self.value else ""
        return f"{self.source}: {self.where}{dossier}: {self.field}{value}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    """Counts and errors. When ``errors`` is not empty nothing was applied."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    error_count: int = 0
    errors: list[RecordError] = field(default_factory=list)
    procedures_created: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add_error(self, error: RecordError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_KEPT_ERRORS:
            self.errors.append(error)

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

"""Dossier import: DVCQG sync JSON / JSON Lines, flat CSV and XLSX (docs/dossier-formats.md).

Public API: :func:`import_files`, :func:`import_records`, :class:`ImportReport`,
:class:`RecordError`.
"""

from motcua.dossiers.ingest.report import ImportReport, RecordError
from motcua.dossiers.ingest.service import import_files, import_records

__all__ = ["ImportReport", "RecordError", "import_files", "import_records"]

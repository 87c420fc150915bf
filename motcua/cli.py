"""The ``motcua`` command: Django's management commands under one name.

``motcua units import FILE`` is the same as ``motcua units_import FILE``: a command group
and its sub-command are joined with an underscore, so each sub-command is an ordinary
Django management command living in its app (``units/management/commands/units_import.py``).
"""

from __future__ import annotations

import os
import sys

# Groups whose first argument is a sub-command rather than a file or option.
GROUPS = {"units", "procedures", "calendar", "dossiers", "indicators", "campaigns"}


def translate_argv(argv: list[str]) -> list[str]:
    """Rewrite ``[prog, group, sub, ...]`` into ``[prog, group_sub, ...]``."""
    if len(argv) >= 3 and argv[1] in GROUPS and not argv[2].startswith("-"):
        return [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(translate_argv(sys.argv))


if __name__ == "__main__":
    main()

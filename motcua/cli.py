"""The ``motcua`` command: Django's management commands under one name.

``motcua units import FILE`` is the same as ``motcua units_import FILE``: a command group
and its sub-command are joined with an underscore, so each sub-command is an ordinary
Django management command living in its app (``units/management/commands/units_import.py``).
"""

from __future__ import annotations

import os
import sys

# Groups whose first argument is a sub-command rather than a file or option.
GROUPS = {
    "units",
    "procedures",
    "calendar",
    "dossiers",
    "indicators",
    "campaigns",
    "index",
    "plans",
    "sync",
    "feedback",
    "payments",
    "sandbox",
}


def translate_argv(argv: list[str]) -> list[str]:
    """Rewrite ``[prog, group, sub, ...]`` into ``[prog, group_sub, ...]``."""
    if len(argv) >= 3 and argv[1] in GROUPS and not argv[2].startswith("-"):
        return [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    return argv


def group_help(group: str) -> str:
    """The sub-commands of a group, for ``motcua units`` typed alone."""
    from django.core.management import get_commands

    subs = sorted(name[len(group) + 1 :] for name in get_commands() if name.startswith(group + "_"))
    lines = [f"motcua {group} <sub-command> [options]", "", "sub-commands:"]
    lines += [f"  {sub:<12} (motcua {group} {sub} --help)" for sub in subs]
    return "\n".join(lines)


# Accounts, API keys and the API's schema (motcua/accounts, motcua/api).
GROUPS |= {"accounts", "apikeys", "api"}

# Signed electronic results: demo PKI, unit certificates (motcua/signing); the desk's
# e-mail retries (motcua/onestop).
GROUPS |= {"signing", "onestop"}

# The figure cache of the web pages (motcua/web/warm.py).
GROUPS |= {"figures"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django
    from django.core.management import execute_from_command_line

    argv = translate_argv(sys.argv)
    if len(argv) >= 2 and argv[1] in GROUPS:
        django.setup()
        print(group_help(argv[1]))
        sys.exit(0 if len(argv) > 2 else 2)
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

"""``motcua onestop resend``: retry every e-mail to applicants not delivered yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Retry the e-mails to applicants that failed (after fixing the mail server, or "
        "from cron); each is sent at most once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.onestop.notifications import retry, unsent

        outcomes = [retry(pk) for pk in unsent()]
        sent = sum(1 for o in outcomes if o is True)
        failed = sum(1 for o in outcomes if o is False)
        skipped = sum(1 for o in outcomes if o is None)
        self.stdout.write(f"sent {sent}, failed again {failed}, nothing to send {skipped}")
        if failed:
            self.stderr.write("some e-mails failed again: see the notifications' errors")

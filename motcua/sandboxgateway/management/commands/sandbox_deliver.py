"""``motcua sandbox deliver``: send the sandbox gateway's held or unacknowledged IPNs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.sandboxgateway import gateway


class Command(BaseCommand):
    help = "Deliver the sandbox gateway's held ('notify late') and unacknowledged IPNs."

    def handle(self, *args: Any, **options: Any) -> None:
        if not gateway.enabled():
            raise CommandError("the sandbox gateway is off (PAYMENT_SANDBOX)")
        pending = gateway.undelivered()
        for txn in pending:
            code = gateway.deliver(txn) or "no answer"
            self.stdout.write(f"{txn.txn_ref}: {code}")
        self.stdout.write(f"{len(pending)} IPN(s) sent")

"""Links to pages other apps own (form 01 receipt, signed result, payment), if present.

Those apps may not be installed, or may name their URL arguments differently; a link that
cannot be built is simply not shown (``None``), never an error page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse

from motcua.dossiers.models import Dossier, OnlinePaid, Payment

RECEIPT = ("onestop:receipt", "desk:receipt")
SIGNED_RESULT = ("signing:download",)
PAYMENT = ("payments:pay", "payments:start", "payments:dossier")


def first_url(names: Iterable[str], dossier: Dossier) -> str | None:
    """The first of ``names`` that reverses with the dossier's code or id."""
    for name in names:
        for attempt in (
            {"kwargs": {"code": dossier.code}},
            {"args": [dossier.code]},
            {"kwargs": {"pk": dossier.pk}},
            {"kwargs": {"dossier_id": dossier.pk}},
            {"args": [dossier.pk]},
        ):
            try:
                return reverse(name, **attempt)
            except NoReverseMatch:
                continue
    return None


def receipt_url(dossier: Dossier) -> str | None:
    return first_url(RECEIPT, dossier)


def result_url(dossier: Dossier) -> str | None:
    """The signed result's download page, when a result has been issued."""
    if not dossier.results:
        return None
    return first_url(SIGNED_RESULT, dossier)


def fees_owed(dossier: Dossier) -> bool:
    if dossier.fee_total <= 0 or dossier.online_paid != OnlinePaid.NO:
        return False
    return not dossier.payments.filter(state=Payment.State.SUCCESS).exists()


def payment_url(dossier: Dossier) -> str | None:
    return first_url(PAYMENT, dossier) if fees_owed(dossier) else None

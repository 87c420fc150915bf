"""The citizen's payment link: one unguessable URL per dossier, no login needed.

``pay_url(dossier)`` is ``/thanh-toan/<token>/`` (absolute when ``PAYMENT_PUBLIC_URL`` is
set), where the token is the dossier's id and code signed with SECRET_KEY (salted for
this use only). The portal and the notification emails show it; whoever holds it can see
what the dossier owes and pay it, nothing else.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from motcua.dossiers.models import Dossier

SALT = "motcua.payments.link"


def token(dossier: Dossier) -> str:
    return signing.Signer(salt=SALT).sign_object({"d": dossier.pk, "c": dossier.code})


def dossier_of(value: str) -> Dossier | None:
    """The dossier a token names, or None when the token is forged or stale."""
    try:
        data = signing.Signer(salt=SALT).unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        return None
    return (
        Dossier.objects.select_related("procedure", "unit")
        .filter(pk=int(data["d"]), code=str(data.get("c")))
        .first()
    )


def pay_url(dossier: Dossier) -> str:
    """The payment link of ``dossier`` (a path, or a full URL with PAYMENT_PUBLIC_URL)."""
    path = reverse("payments:pay", args=[token(dossier)])
    return settings.PAYMENT_PUBLIC_URL + path

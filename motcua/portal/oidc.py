"""Signing in through an external OpenID Connect provider such as VNeID.

Built on mozilla-django-oidc (authorization-code flow with state, nonce and PKCE; the ID
token's signature checked against the provider's JWKS). Configured from the environment
(``OIDC_*``, docs/CONFIGURATION.md); off while ``OIDC_CLIENT_ID`` is empty.

Rules (docs/portal.md):

- the account is found by the provider's subject (``sub``), never by e-mail;
- a citizen already signed in with a local account who signs in through the provider gets
  that account linked and flagged VNeID-verified, unless the ID numbers differ (refused);
- otherwise a new citizen account is created, flagged VNeID-verified;
- staff accounts are never matched or created here.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from motcua.audit import log as audit
from motcua.dossiers import pii
from motcua.portal import citizens

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates citizens by the provider's ``sub``; see the module docstring."""

    request: HttpRequest

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not enabled():
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The user-info endpoint's claims over the ID token's; the ID token's alone when
        no endpoint is configured."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(claims.get(settings.OIDC_ID_NUMBER_CLAIM))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(
            citizen__oidc_subject=str(claims["sub"]), is_staff=False, is_superuser=False
        )

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"subject {claims.get('sub')}"

    def create_user(self, claims: dict[str, Any]) -> User:
        subject = str(claims["sub"])
        id_number = "".join(str(claims[settings.OIDC_ID_NUMBER_CLAIM]).split())
        name = str(claims.get(settings.OIDC_NAME_CLAIM) or "")
        current = getattr(self.request, "user", None)
        profile = citizens.profile_of(current)
        if profile is not None and not profile.oidc_subject:
            if profile.id_hash and profile.id_hash != pii.id_hash(id_number):
                audit.record(
                    "citizen.verify_refused",
                    actor=profile.user,
                    object_type="citizen",
                    object_id=profile.pk,
                    reason="id_number_mismatch",
                )
                raise SuspiciousOperation("the provider's ID number is not the account's")
            citizens.mark_verified(profile, subject=subject, full_name=name)
            return profile.user
        return citizens.create_verified(
            subject=subject,
            full_name=name or id_number,
            id_number=id_number,
            email=str(claims.get("email") or ""),
            phone=str(claims.get("phone_number") or ""),
        )

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        audit.record("auth.login", actor=user, object_type="user", object_id=user.pk, via="oidc")
        return user


class StartView(OIDCAuthenticationRequestView):
    """Redirects to the provider (404 while OpenID Connect is not configured)."""

    def get(self, request: HttpRequest) -> Any:
        if not enabled():
            from django.http import Http404

            raise Http404("OpenID Connect is not configured")
        return super().get(request)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's redirect back. A forged or replayed answer (bad signature, unknown
    state, wrong nonce) is logged and audited, and the citizen sent back to the sign-in
    page with a message, not shown an error page."""

    def get(self, request: HttpRequest) -> Any:
        try:
            return super().get(request)
        except SuspiciousOperation as refused:
            logger.warning("OpenID Connect sign-in refused: %s", refused)
            audit.record("auth.oidc_refused", actor=None, object_type="user", reason=str(refused))
            return self.login_failure()

    @property
    def failure_url(self) -> str:
        return reverse("portal:signin") + "?loi=oidc"

    @property
    def success_url(self) -> str:
        return self.request.session.get("oidc_login_next") or reverse("portal:dossiers")

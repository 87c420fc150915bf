"""Citizen accounts: sign-up, the VNeID flag, and who counts as a citizen.

A citizen is a user with a :class:`CitizenProfile`, not staff, not superuser, in no group:
the role machinery gives them no capability, and the portal refuses an account that is
not a citizen (a staff account cannot use the portal as a citizen, nor a citizen the staff
pages). The ID number is kept encrypted (``dossiers.pii``) with a masked copy and the keyed
hash that finds the citizen's data store and counter dossiers.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from motcua.audit import log as audit
from motcua.dossiers import pii
from motcua.files import store
from motcua.portal.models import CitizenProfile


def profile_of(user: Any) -> CitizenProfile | None:
    """The citizen profile of a signed-in citizen, else None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_staff or user.is_superuser:
        return None
    try:
        profile: CitizenProfile = user.citizen
    except CitizenProfile.DoesNotExist:
        return None
    if user.groups.exists():  # given a staff role in the admin: not a citizen any more
        return None
    return profile


def is_citizen(user: Any) -> bool:
    return profile_of(user) is not None


def personal(profile: CitizenProfile) -> dict[str, str]:
    """The clear personal data (ID number, phone, e-mail); callers audit the read."""
    return {str(k): str(v) for k, v in pii.reveal(profile.pii).items()}


def _personal_blob(id_number: str, phone: str, email: str) -> str:
    return pii.encrypt({"SoGiayToChuHoSo": id_number, "SoDienThoai": phone, "Email": email})


def sign_up(*, email: str, password: str, full_name: str, id_number: str, phone: str) -> User:
    """A local citizen account (username = e-mail), in one transaction, audited."""
    email = email.strip().lower()
    id_number = "".join(id_number.split())
    with transaction.atomic():
        user = User.objects.create_user(username=email, email=email, password=password)
        profile = CitizenProfile.objects.create(
            user=user,
            full_name=full_name.strip(),
            id_masked=pii.mask(id_number),
            id_hash=pii.id_hash(id_number),
            phone_masked=pii.mask(phone),
            pii=_personal_blob(id_number, phone.strip(), email),
        )
        audit.record("citizen.signup", actor=user, object_type="citizen", object_id=profile.pk)
    return user


def create_verified(
    *, subject: str, full_name: str, id_number: str, email: str = "", phone: str = ""
) -> User:
    """A citizen account created by an OpenID Connect (VNeID) sign-in: verified."""
    with transaction.atomic():
        user = User(username=f"vneid-{pii.id_hash(subject)[:24]}", email=email.strip().lower())
        user.set_unusable_password()
        user.save()
        profile = CitizenProfile.objects.create(
            user=user,
            full_name=full_name.strip(),
            id_masked=pii.mask(id_number),
            id_hash=pii.id_hash(id_number),
            phone_masked=pii.mask(phone),
            pii=_personal_blob(id_number, phone, email),
            vneid_verified=True,
            verified_at=timezone.now(),
            oidc_subject=subject,
        )
        audit.record(
            "citizen.signup", actor=user, object_type="citizen", object_id=profile.pk, vneid=True
        )
    return user


def mark_verified(profile: CitizenProfile, *, subject: str, full_name: str = "") -> None:
    """Link an existing account to its OpenID Connect identity and flag it VNeID-verified."""
    with transaction.atomic():
        locked = CitizenProfile.objects.select_for_update().get(pk=profile.pk)
        locked.oidc_subject = subject
        locked.vneid_verified = True
        locked.verified_at = timezone.now()
        if full_name.strip():
            locked.full_name = full_name.strip()
        locked.save()
        audit.record(
            "citizen.verify", actor=locked.user, object_type="citizen", object_id=locked.pk
        )
    profile.refresh_from_db()


def store_owner(profile: CitizenProfile) -> store.Owner:
    """The citizen's data store: their account, and their ID number's hash once verified.

    A local account's ID number is what the citizen typed, unchecked: it must not open
    the store that counter intake keeps under that number. A VNeID-verified account's
    number was checked by the identity provider, so it does.
    """
    return store.Owner(
        id_hash=profile.id_hash if profile.vneid_verified else "", account_id=profile.user_id
    )

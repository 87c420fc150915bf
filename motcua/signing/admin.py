from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.signing.models import ResultTemplate, SignedResult, SigningCredential


@admin.register(SigningCredential)
class SigningCredentialAdmin(admin.ModelAdmin[SigningCredential]):
    """Read-only: credentials are loaded with ``motcua signing load-p12`` (audited)."""

    list_display = ["subject", "unit", "issuer", "not_after", "is_demo", "loaded_at"]
    list_filter = ["is_demo"]
    readonly_fields = ["unit", "p12_path", "subject", "issuer", "fingerprint", "not_after"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin[ResultTemplate]):
    list_display = ["title", "procedure", "updated_at"]
    raw_id_fields = ["procedure"]
    search_fields = ["title", "procedure__code", "procedure__name"]


@admin.register(SignedResult)
class SignedResultAdmin(admin.ModelAdmin[SignedResult]):
    """Signed results are immutable: the admin shows them, nothing more."""

    list_display = ["code", "title", "version", "signer_subject", "signed_at", "actor_label"]
    search_fields = ["code", "document_code"]
    exclude = ["pdf"]
    readonly_fields = [
        "dossier",
        "document_code",
        "version",
        "code",
        "replaces",
        "title",
        "sha256",
        "signer_subject",
        "signed_at",
        "actor_label",
        "reason",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

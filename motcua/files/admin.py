from __future__ import annotations

from django.contrib import admin

from motcua.files.models import Attachment, StoredFile, StoreItem


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin[StoredFile]):
    list_display = ["name", "content_type", "size", "sha256", "created_at"]
    search_fields = ["sha256", "name"]
    readonly_fields = ["content", "sha256", "name", "content_type", "size", "uploaded_by"]


@admin.register(StoreItem)
class StoreItemAdmin(admin.ModelAdmin[StoreItem]):
    list_display = ["title", "kind", "code", "owner_account", "source_dossier", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["file", "source_dossier", "owner_account"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = ["dossier", "file", "role", "code", "created_at"]
    raw_id_fields = ["dossier", "file"]

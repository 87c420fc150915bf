"""Read-only admin lists: petitions change only through feedback.workflow, ratings never."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.feedback.models import Petition, Rating


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Petition)
class PetitionAdmin(_ReadOnly):
    list_display = ["code", "topic", "unit", "state", "received_at", "answer_due", "repeat_of"]
    list_filter = ["state", "topic"]
    search_fields = ["code", "title"]
    exclude = ["pii", "sender_key", "client_key"]


@admin.register(Rating)
class RatingAdmin(_ReadOnly):
    list_display = ["unit", "channel", "score", "liked", "at"]
    list_filter = ["channel", "score"]

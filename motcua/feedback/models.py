"""Feedback and petitions (phản ánh, kiến nghị — PAKN) and satisfaction ratings (đánh giá).

A :class:`Petition` is the current state; :class:`PetitionEvent` rows are its appended
history (``petition.version`` counts them). It changes only through
``motcua.feedback.workflow`` (submission and :func:`~motcua.feedback.workflow.transition`).
Deadlines are stamped from the working-day calendar (``motcua.feedback.deadlines``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


class Topic(models.TextChoices):
    RULES = "rules", _("Quy định hành chính (thủ tục hành chính)")
    STAFF = "staff", _("Hành vi của cán bộ, công chức")


class PetitionState(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement", _("Yêu cầu bổ sung thông tin")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai")


class Petition(models.Model):
    code = models.CharField(_("mã phản ánh"), max_length=30, unique=True)
    topic = models.CharField(_("nội dung phản ánh về"), max_length=8, choices=Topic.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("đơn vị xử lý")
    )
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("thủ tục")
    )
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("hồ sơ"),
    )
    sender_name = models.CharField(_("người gửi"), max_length=255)
    contact_masked = models.CharField(_("liên hệ"), max_length=255, blank=True)
    sender_key = models.CharField(max_length=64, blank=True, db_index=True)
    pii = models.TextField(blank=True, editable=False)  # encrypted contact, dossiers.pii
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    title = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))

    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PetitionState.choices, default="received"
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"), db_index=True)
    refuse_due = models.DateTimeField(_("hạn từ chối"))
    supplement_due = models.DateTimeField(_("hạn yêu cầu bổ sung"))
    answer_due = models.DateTimeField(_("hạn trả lời"))
    publish_due = models.DateTimeField(_("hạn công khai"), null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    first_supplement_at = models.DateTimeField(null=True, blank=True)
    pauses = models.JSONField(default=list, help_text="[[requested, supplied], …] ISO 8601")
    answered_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    reason = models.TextField(_("lý do từ chối"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )
    likes = models.PositiveIntegerField(default=0)
    dislikes = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [models.Index(fields=["unit", "received_at"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.code


class PetitionEvent(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12)  # created, state, reply
    old_state = models.CharField(max_length=10, blank=True)
    new_state = models.CharField(max_length=10, blank=True)
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["petition", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "seq"], name="one_petition_event_per_seq")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}#{self.seq} {self.kind}"


class AnswerVote(models.Model):
    """A reader's like (+1) or dislike (−1) of a published answer; one per reader."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="votes")
    voter_key = models.CharField(max_length=64)
    value = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["petition", "voter_key"], name="one_vote_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.value:+d}"


class RatingChannel(models.TextChoices):
    ONLINE = "online", _("Trên Cổng dịch vụ công")
    COUNTER = "counter", _("Tại bộ phận một cửa")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại quầy (ẩn danh)")


class Rating(models.Model):
    """A satisfaction rating: 1 (very dissatisfied) … 5 (very satisfied), and/or like/dislike.

    Applicant ratings belong to a returned dossier (one per dossier); kiosk ratings are
    anonymous and only know the unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="rating"
    )
    channel = models.CharField(_("kênh đánh giá"), max_length=8, choices=RatingChannel.choices)
    score = models.PositiveSmallIntegerField(
        _("mức độ hài lòng"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    liked = models.BooleanField(_("thích"), null=True, blank=True)
    comment = models.TextField(_("góp ý"), blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.score}"

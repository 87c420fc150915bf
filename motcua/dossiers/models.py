"""Dossiers (hồ sơ) and their append-only history.

A dossier row is the current state; :class:`DossierEvent` rows are its history. Nothing
changes a dossier without appending an event in the same transaction: status changes go
through ``motcua.dossiers.workflow.change_status`` and imported versions through
``motcua.dossiers.ingest``.

Collections that DVCQG sends as arrays (components, fees, results, supplement requests,
processing steps) are stored as JSON lists in DVCQG's own field names; the facts the
indicators filter on are derived from them into plain columns whenever they change
(``derive_flags``). Personal identifiers are stored encrypted (``pii``) with a masked copy
for display and a keyed hash for exact search; see motcua.dossiers.pii.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


class Channel(models.IntegerChoices):
    """KenhThucHien."""

    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class Status(models.IntegerChoices):
    """TrangThaiHoSo, the ten DVCQG status codes."""

    SUBMITTED = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    PROCESSED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


# Statuses in which processing is over (766 group 2: "finished").
FINISHED_STATUSES = frozenset(
    {Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.PROCESSED, Status.RETURNED}
)


class ApplicantType(models.IntegerChoices):
    """LoaiDoiTuong."""

    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp")
    AGENCY = 3, _("Cơ quan nhà nước")
    OTHER = 4, _("Khác")


class OnlinePaid(models.IntegerChoices):
    """DuocThanhToanTrucTuyen."""

    NO = 0, _("Không")
    NATIONAL = 1, _("Thanh toán trên Cổng DVCQG")
    OWN_GATEWAY = 2, _("Thanh toán qua cổng của tỉnh")


class SyncState(models.TextChoices):
    NOT_SENT = "", _("Chưa đồng bộ")
    PENDING = "pending", _("Đang chờ")
    ACKNOWLEDGED = "acknowledged", _("Đã đồng bộ")
    FAILED = "failed", _("Lỗi đồng bộ")


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, verbose_name=_("thủ tục"))
    # Indexed by (unit, received_at) below: a second index on unit alone only slows writes.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("đơn vị xử lý"),
        db_index=False,
    )
    channel = models.PositiveSmallIntegerField(_("kênh"), choices=Channel.choices)
    status = models.PositiveSmallIntegerField(_("trạng thái"), choices=Status.choices)

    applicant_type = models.PositiveSmallIntegerField(
        _("loại đối tượng"), choices=ApplicantType.choices, default=ApplicantType.CITIZEN
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255, blank=True)
    # fold(applicant_name): the list page's accent-insensitive name search (by prefix, on an
    # index). Every writer fills it: save() here, the importer (columns_of), the demo.
    # Nullable so that adding it to a large SQLite table is an ALTER TABLE, not a copy.
    applicant_key = models.CharField(max_length=255, null=True, blank=True, editable=False)
    applicant_id_masked = models.CharField(_("số giấy tờ"), max_length=40, blank=True)
    # Searched by equality only: indexed in Meta (db_index would add a LIKE twin on PG).
    applicant_id_hash = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("số điện thoại"), max_length=40, blank=True)
    pii = models.TextField(blank=True, editable=False)  # encrypted JSON, see pii.py
    portal_account_id = models.CharField(_("tài khoản cổng"), max_length=100, blank=True)
    summary = models.TextField(_("trích yếu"), blank=True)

    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True)
    refused_at = models.DateTimeField(_("ngày từ chối"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)

    result_delivery = models.CharField(_("hình thức trả kết quả"), max_length=40, blank=True)
    submitted_place = models.CharField(_("nơi nộp"), max_length=255, blank=True)
    handling_unit_name = models.CharField(_("tên đơn vị xử lý (nguồn)"), max_length=255, blank=True)
    vneid_verified = models.BooleanField(_("xác thực VNeID"), default=False)
    online_paid = models.PositiveSmallIntegerField(
        _("thanh toán trực tuyến"), choices=OnlinePaid.choices, default=OnlinePaid.NO
    )
    national_databases = models.JSONField(_("CSDL quốc gia đã khai thác"), default=list)

    components = models.JSONField(_("thành phần hồ sơ"), default=list)
    fees = models.JSONField(_("phí, lệ phí"), default=list)
    results = models.JSONField(_("giấy tờ kết quả"), default=list)
    supplements = models.JSONField(_("yêu cầu bổ sung"), default=list)
    steps = models.JSONField(_("quá trình xử lý"), default=list)
    extra = models.JSONField(default=dict, help_text="Source fields motcua does not interpret.")

    # Derived from the JSON collections by derive_flags(); indicators filter on these.
    has_digitized_component = models.BooleanField(default=False)
    all_components_filed = models.BooleanField(default=False)
    has_result_file = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    from_data_store = models.BooleanField(default=False)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    fee_total = models.BigIntegerField(default=0)

    sync_state = models.CharField(
        _("đồng bộ DVCQG"), max_length=12, choices=SyncState.choices, blank=True, default=""
    )
    synced_at = models.DateTimeField(null=True, blank=True)

    content_hash = models.CharField(max_length=64, editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["unit", "finished_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["status", "due_at"]),
            # The list filtered by status, newest (or oldest) first: the page is read in
            # order instead of sorting every dossier of the status (docs/web-dossiers.md).
            models.Index(fields=["status", "received_at"], name="dossier_status_received"),
            models.Index(fields=["due_at"], name="dossier_due_at"),
            models.Index(fields=["applicant_id_hash"], name="dossier_applicant_id_hash"),
            models.Index(
                fields=["applicant_key"],
                name="dossier_applicant_key",
                opclasses=["varchar_pattern_ops"],  # LIKE 'x%' on PostgreSQL; SQLite ignores it
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.applicant_key = fold(self.applicant_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "applicant_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "applicant_key"}
        super().save(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class DossierEvent(models.Model):
    """One appended change: who, when, what, and each changed field's old and new value."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo hồ sơ")
        UPDATED = "updated", _("Cập nhật")
        STATUS = "status", _("Chuyển trạng thái")
        SUPPLEMENT = "supplement", _("Bổ sung")
        PAYMENT = "payment", _("Thanh toán")
        SYNC = "sync", _("Đồng bộ")

    # Indexed by the unique (dossier, seq) below.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recorded_at = models.DateTimeField(auto_now_add=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    source = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="one_event_per_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.kind}"


class Payment(models.Model):
    """One payment transaction for a dossier's fees."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Trực tuyến")
        COUNTER = "counter", _("Tại quầy")

    class State(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        SUCCESS = "success", _("Thành công")
        FAILED = "failed", _("Thất bại")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(_("mã giao dịch"), max_length=100, unique=True)
    amount = models.BigIntegerField(_("số tiền (VNĐ)"))
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    gateway = models.CharField(_("cổng thanh toán"), max_length=40, blank=True)
    platform_flag = models.PositiveSmallIntegerField(
        choices=OnlinePaid.choices, default=OnlinePaid.NO
    )
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    # Kept by motcua.payments (imports leave them at their database defaults): the
    # gateway's own transaction number, when the state was last settled, and the
    # gateway's last answer (codes, dates) as JSON.
    gateway_txn = models.CharField(
        _("mã giao dịch tại cổng"), max_length=100, blank=True, default="", db_default=""
    )
    settled_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    detail = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.state}"


class ImportUpload(models.Model):
    """A file uploaded on the import page: checked (a preview), then applied once.

    The file is kept under ``VAR_DIR/imports/<token>/`` until it is applied, or until it
    expires unconfirmed after ``IMPORT_UPLOAD_HOURS`` (then it is deleted and the row kept as
    the record of the check); ``preview`` and ``result`` hold what the ingestion reported
    (counts and the first errors).
    Confirming an applied upload again changes nothing (``state`` is checked under a lock).
    """

    class State(models.TextChoices):
        CHECKED = "checked", _("Đã kiểm tra")
        APPLIED = "applied", _("Đã nhập")
        EXPIRED = "expired", _("Hết hạn")

    token = models.CharField(max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        "auth.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("người tải lên")
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("kích thước"))
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices)
    preview = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tệp nhập hồ sơ")
        verbose_name_plural = _("tệp nhập hồ sơ")

    def __str__(self) -> str:
        return f"{self.filename} ({self.state})"

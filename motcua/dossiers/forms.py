"""Forms of the dossier pages: the list's filters and the import upload."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Channel, Status
from motcua.dossiers.search import SORTS, Filters
from motcua.procedures.models import Procedure
from motcua.web import periods

DUE_CHOICES = [
    ("", _("Tất cả")),
    ("overdue", _("Quá hạn")),
    ("nearly_due", _("Sắp đến hạn")),
]
SORT_CHOICES = [
    ("-received", _("Mới tiếp nhận trước")),
    ("received", _("Tiếp nhận sớm nhất trước")),
    ("due", _("Hạn trả sớm nhất trước")),
    ("code", _("Mã hồ sơ")),
]
assert {key for key, _label in SORT_CHOICES} == set(SORTS)


class DossierFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        help_text=_("Mã hồ sơ, số giấy tờ, tên chủ hồ sơ hoặc tên thủ tục (có dấu hay không dấu)"),
    )
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=30)
    status = forms.TypedChoiceField(
        label=_("Trạng thái"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Status.choices],
    )
    channel = forms.TypedChoiceField(
        label=_("Kênh"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Tất cả")), *Channel.choices],
    )
    period = forms.ChoiceField(label=_("Kỳ tiếp nhận"), required=False)
    received_from = forms.DateField(label=_("Tiếp nhận từ ngày"), required=False)
    received_to = forms.DateField(label=_("đến ngày"), required=False)
    due = forms.ChoiceField(label=_("Hạn xử lý"), required=False, choices=DUE_CHOICES)
    online = forms.BooleanField(label=_("Chỉ hồ sơ trực tuyến"), required=False)
    sort = forms.ChoiceField(label=_("Sắp xếp"), required=False, choices=SORT_CHOICES)

    def __init__(self, data: Any, *, units: Iterable[tuple[int, str]]) -> None:
        super().__init__(data)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [("", _("Tất cả đơn vị trong phạm vi")), *units]
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = [
            ("", _("Mọi thời gian")),
            *periods.CHOICES.items(),
            ("custom", _("Khoảng tùy chọn (từ ngày – đến ngày)")),
        ]
        for name in ("received_from", "received_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean_procedure(self) -> int | None:
        code = self.cleaned_data["procedure"].strip()
        if not code:
            return None
        found = Procedure.objects.filter(code=code).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(_("Không có thủ tục mã %(code)s."), params={"code": code})
        return int(found)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = data.get("period") or ""
        if key and key != "custom":
            chosen = periods.choose({"period": key}, timezone.localdate()).period
            data["received_from"], data["received_to"] = chosen.start, chosen.end
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("Ngày kết thúc trước ngày bắt đầu."))
        return data

    def filters(self) -> Filters:
        """The validated filters (the form must be valid)."""
        d = self.cleaned_data
        return Filters(
            q=d.get("q") or "",
            unit_id=d.get("unit"),
            procedure_id=d.get("procedure"),
            status=d.get("status"),
            channel=d.get("channel"),
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
            due=d.get("due") or "",
            online=bool(d.get("online")),
            sort=d.get("sort") or "-received",
        )


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp hồ sơ (JSON DVCQG, CSV hoặc XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.jsonl,.csv,.xlsx"}),
    )

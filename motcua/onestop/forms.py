"""The desk's forms: intake at the counter and the processing actions."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import ApplicantType, Channel

# Scanned components one intake form offers (more can be added to the dossier later).
SCAN_ROWS = 3
PHONE = re.compile(r"^\+?[0-9 .]{8,15}$")
ID_NUMBER = re.compile(r"^[0-9A-Za-z]{6,20}$")


class IntakeForm(forms.Form):
    """A paper dossier at the counter (or received by post): the applicant and components."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    channel = forms.TypedChoiceField(
        label=_("Hình thức nộp"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        coerce=int,
        initial=Channel.COUNTER,
    )
    applicant_type = forms.TypedChoiceField(
        label=_("Loại đối tượng"),
        choices=ApplicantType.choices,
        coerce=int,
        initial=ApplicantType.CITIZEN,
    )
    applicant_name = forms.CharField(label=_("Họ và tên (tên tổ chức)"), max_length=255)
    applicant_id = forms.CharField(
        label=_("Số định danh cá nhân / CCCD (mã số doanh nghiệp)"), max_length=20
    )
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500)
    summary = forms.CharField(label=_("Trích yếu"), max_length=1000, required=False)
    paper = forms.CharField(
        label=_("Thành phần nộp bản giấy (mỗi dòng một giấy tờ)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, store_items: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(SCAN_ROWS):
            self.fields[f"scan_name_{n}"] = forms.CharField(
                label=_("Tên giấy tờ scan %(n)d") % {"n": n + 1}, max_length=255, required=False
            )
            self.fields[f"scan_file_{n}"] = forms.FileField(
                label=_("Tệp scan %(n)d (PDF, JPEG, PNG)") % {"n": n + 1}, required=False
            )
        self.fields["reuse"] = forms.TypedMultipleChoiceField(
            label=_("Lấy từ kho dữ liệu của người nộp"),
            choices=[(item.pk, item.title) for item in store_items],
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )

    def clean_applicant_id(self) -> str:
        value = "".join(str(self.cleaned_data["applicant_id"]).split())
        if not ID_NUMBER.match(value):
            raise forms.ValidationError(_("Số giấy tờ chỉ gồm chữ và số, từ 6 đến 20 ký tự."))
        return value

    def clean_phone(self) -> str:
        value = str(self.cleaned_data["phone"]).strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError(_("Số điện thoại không hợp lệ."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(SCAN_ROWS):
            if data.get(f"scan_file_{n}") and not str(data.get(f"scan_name_{n}") or "").strip():
                self.add_error(f"scan_name_{n}", _("Cần ghi tên giấy tờ của tệp scan."))
        if not (self.scans() or self.paper_names() or data.get("reuse")):
            raise forms.ValidationError(_("Hồ sơ cần ít nhất một thành phần."))
        return data

    def applicant(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("applicant_type", "applicant_name", "applicant_id", "phone", "email")
        result = {name: data[name] for name in names}
        result.update(address=data["address"], summary=data["summary"])
        return result

    def scans(self) -> list[tuple[str, UploadedFile]]:
        data = self.cleaned_data
        return [
            (str(data[f"scan_name_{n}"]).strip(), data[f"scan_file_{n}"])
            for n in range(SCAN_ROWS)
            if data.get(f"scan_file_{n}")
        ]

    def paper_names(self) -> list[str]:
        text = str(self.cleaned_data.get("paper") or "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class VersionForm(forms.Form):
    """Every action carries the dossier version the officer saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NoteForm(VersionForm):
    note = forms.CharField(label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}))


class ApologyForm(VersionForm):
    reason = forms.CharField(label=_("Lý do chậm trễ"), widget=forms.Textarea(attrs={"rows": 3}))
    new_due = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )

    def clean_new_due(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["new_due"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class OfficerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class AssignForm(VersionForm):
    officer = OfficerChoice(label=_("Cán bộ xử lý"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, OfficerChoice)
        field.queryset = officers


class RegisterForm(forms.Form):
    """Form 06's unit and period."""

    unit = forms.ChoiceField(label=_("Đơn vị"))
    tu = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    den = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))

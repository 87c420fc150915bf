"""Public forms: sending a petition, rating a dossier or a kiosk visit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Topic
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


class PetitionForm(forms.Form):
    topic = forms.ChoiceField(label=_("Phản ánh về"), choices=Topic.choices)
    unit = forms.ModelChoiceField(
        label=_("Cơ quan, đơn vị"),
        queryset=Unit.objects.filter(valid_to__isnull=True, code__isnull=False).order_by("name"),
    )
    dossier_code = forms.CharField(label=_("Mã hồ sơ (nếu có)"), max_length=60, required=False)
    procedure_code = forms.CharField(label=_("Mã thủ tục (nếu có)"), max_length=40, required=False)
    title = forms.CharField(label=_("Tiêu đề"), max_length=255)
    content = forms.CharField(label=_("Nội dung"), widget=forms.Textarea, max_length=5000)
    sender_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    contact = forms.CharField(label=_("Thư điện tử hoặc số điện thoại"), max_length=255)

    def clean_dossier_code(self) -> Dossier | None:
        code = self.cleaned_data["dossier_code"].strip()
        if not code:
            return None
        dossier = Dossier.objects.select_related("unit", "procedure").filter(code=code).first()
        if dossier is None:
            raise forms.ValidationError(_("Không tìm thấy hồ sơ có mã này."))
        return dossier

    def clean_procedure_code(self) -> Procedure | None:
        code = self.cleaned_data["procedure_code"].strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code).first()
        if procedure is None:
            raise forms.ValidationError(_("Không tìm thấy thủ tục có mã này."))
        return procedure

    def submission(self) -> dict[str, Any]:
        """Arguments for ``workflow.submit``; a dossier decides the responsible unit."""
        data = self.cleaned_data
        dossier = data["dossier_code"]
        return {
            "topic": data["topic"],
            "unit": dossier.unit if dossier else data["unit"],
            "dossier": dossier,
            "procedure": data["procedure_code"],
            "title": data["title"],
            "content": data["content"],
            "sender_name": data["sender_name"],
            "contact": data["contact"],
        }


SCORES = [
    (5, _("Rất hài lòng")),
    (4, _("Hài lòng")),
    (3, _("Bình thường")),
    (2, _("Không hài lòng")),
    (1, _("Rất không hài lòng")),
]
LIKES = [("", _("Không chọn")), ("1", _("Thích")), ("0", _("Không thích"))]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    liked = forms.ChoiceField(label=_("Thích / không thích"), choices=LIKES, required=False)
    comment = forms.CharField(
        label=_("Góp ý"), widget=forms.Textarea, max_length=2000, required=False
    )

    def liked_value(self) -> bool | None:
        value = self.cleaned_data.get("liked")
        return None if not value else value == "1"


class TransitionForm(forms.Form):
    """A handler's step: the target state among those the table allows, with its text."""

    target = forms.ChoiceField(label=_("Chuyển sang"))
    note = forms.CharField(label=_("Ghi chú / lý do"), widget=forms.Textarea, required=False)
    answer = forms.CharField(label=_("Nội dung trả lời"), widget=forms.Textarea, required=False)
    unit = forms.ModelChoiceField(
        label=_("Chuyển cho đơn vị"),
        queryset=Unit.objects.filter(valid_to__isnull=True, code__isnull=False).order_by("name"),
        required=False,
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = allowed

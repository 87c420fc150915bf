"""The plan-task progress form (a lead unit reports on its task)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.campaigns.models import TaskReport

MAX_EVIDENCE_BYTES = 10 << 20


class TaskReportForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị báo cáo"), coerce=int)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskReport.Status.choices)
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence = forms.FileField(label=_("Tệp minh chứng"), required=False)

    def __init__(self, *args: Any, units: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", False)
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = list(units)

    def clean_evidence(self) -> Any:
        evidence = self.cleaned_data.get("evidence")
        if evidence and evidence.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(
                _("Tệp minh chứng lớn hơn %(mb)d MB."), params={"mb": MAX_EVIDENCE_BYTES >> 20}
            )
        return evidence

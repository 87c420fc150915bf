from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.audit import log as audit
from motcua.payments.gateways import plugins
from motcua.payments.models import UnitGateway


class UnitGatewayForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("khóa bí mật (vnp_HashSecret)"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Để trống để giữ khóa đang dùng."),
    )
    pay_url = forms.URLField(label=_("địa chỉ thanh toán"), assume_scheme="https")
    api_url = forms.URLField(label=_("địa chỉ API (truy vấn, hoàn tiền)"), assume_scheme="https")

    class Meta:
        model = UnitGateway
        fields = [
            "unit",
            "key",
            "plugin",
            "merchant",
            "pay_url",
            "api_url",
            "platform_flag",
            "active",
        ]

    def clean_plugin(self) -> str:
        plugin = str(self.cleaned_data["plugin"])
        if plugin not in plugins():
            raise forms.ValidationError(_("Giao thức không hỗ trợ: %(p)s") % {"p": plugin})
        return plugin


@admin.register(UnitGateway)
class UnitGatewayAdmin(admin.ModelAdmin):
    form = UnitGatewayForm
    list_display = ["key", "unit", "plugin", "merchant", "platform_flag", "active"]
    autocomplete_fields = ["unit"]

    def save_model(self, request: Any, obj: UnitGateway, form: Any, change: bool) -> None:
        if form.cleaned_data.get("secret"):
            obj.set_secret(form.cleaned_data["secret"])
        super().save_model(request, obj, form, change)
        audit.record(
            "payment.gateway_config",
            actor=request.user,
            object_type="unit_gateway",
            object_id=obj.pk,
            key=obj.key,
            unit=obj.unit_id,
            secret_changed=bool(form.cleaned_data.get("secret")),
        )

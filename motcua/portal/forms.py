"""Portal forms: sign-up, sign-in, filing (one field pair per component), supplements.

Uploads are checked in ``clean`` (``files.services.check_upload``: size, type by content;
a refusal is audited) so the refusal shows on its field before anything is stored.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.accounts.forms import LoginForm
from motcua.files import services as files
from motcua.files.models import StoreItem
from motcua.files.uploads import UploadRefused
from motcua.portal import catalogue, citizens
from motcua.portal.catalogue import Component
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _upload_field(label: Any, required: bool = False) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


def check_upload(field: str, form: forms.Form, actor: Any) -> None:
    upload = form.cleaned_data.get(field)
    if not upload:
        return
    try:
        files.check_upload(upload, actor=actor)
    except UploadRefused as refused:
        form.add_error(field, refused.messages[0])


class SignUpForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=255)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        max_length=20,
        help_text=_("12 chữ số trên căn cước công dân (hoặc 9 số CMND cũ)."),
    )
    email = forms.EmailField(label=_("Thư điện tử (tên đăng nhập)"), max_length=150)
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_id_number(self) -> str:
        value = "".join(self.cleaned_data["id_number"].split())
        if not ID_NUMBER.match(value):
            raise ValidationError(_("Số định danh phải gồm 12 chữ số (hoặc 9 chữ số CMND cũ)."))
        return value

    def clean_phone(self) -> str:
        value = "".join(self.cleaned_data["phone"].split())
        if value and not PHONE.match(value):
            raise ValidationError(_("Số điện thoại không hợp lệ (ví dụ 0912345678)."))
        return value

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(username__iexact=value).exists():
            raise ValidationError(_("Thư điện tử này đã được dùng cho một tài khoản."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif first:
            probe = User(username=data.get("email", ""), first_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class SignInForm(LoginForm):
    """The staff login form's rate limiting, for citizens only."""

    error_messages = {
        **LoginForm.error_messages,
        "not_citizen": _(
            "Tài khoản này không phải tài khoản công dân. Cán bộ đăng nhập tại trang quản trị."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Thư điện tử")
        self.fields["username"].widget.attrs["autocomplete"] = "email"

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not citizens.is_citizen(user):
            raise ValidationError(self.error_messages["not_citizen"], code="not_citizen")


class FilingForm(forms.Form):
    """Unit, summary, and per component: an upload (``tp_<code>``) or a store item
    (``kho_<code>``)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Nơi nộp (đơn vị giải quyết)")
    )
    summary = forms.CharField(
        label=_("Nội dung đề nghị (trích yếu)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        items: list[StoreItem],
        actor: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.components: list[Component] = catalogue.components_of(procedure)
        units = catalogue.handling_units(procedure)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        self.items = {str(item.pk): item for item in items}
        choices = [("", _("— không dùng —"))] + [
            (str(item.pk), f"{item.title} ({item.get_kind_display()}, {item.created_at:%d/%m/%Y})")
            for item in items
        ]
        for component in self.components:
            self.fields[f"tp_{component.code}"] = _upload_field(_("Tải tệp lên"))
            self.fields[f"kho_{component.code}"] = forms.ChoiceField(
                label=_("hoặc lấy từ kho dữ liệu"), choices=choices, required=False
            )

    def component_fields(self) -> list[tuple[Component, Any, Any]]:
        return [(c, self[f"tp_{c.code}"], self[f"kho_{c.code}"]) for c in self.components]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for component in self.components:
            upload_field, item_field = f"tp_{component.code}", f"kho_{component.code}"
            check_upload(upload_field, self, self.actor)
            upload, item = data.get(upload_field), data.get(item_field)
            if upload and item:
                self.add_error(
                    item_field, _("Chọn một trong hai: tải tệp lên hoặc lấy từ kho dữ liệu.")
                )
            elif component.required and not upload and not item and upload_field not in self.errors:
                self.add_error(
                    upload_field,
                    _("Thành phần “%(name)s” là bắt buộc: hãy tải tệp lên hoặc chọn từ kho.")
                    % {"name": component.name},
                )
        return data

    def supplied(self) -> list[Any]:
        from motcua.portal.filing import Supplied

        pieces = []
        for component in self.components:
            upload = self.cleaned_data.get(f"tp_{component.code}")
            item = self.items.get(self.cleaned_data.get(f"kho_{component.code}") or "")
            if upload or item:
                pieces.append(Supplied(component.code, component.name, upload=upload, item=item))
        return pieces


class SupplementForm(forms.Form):
    file1 = _upload_field(_("Tệp bổ sung"), required=True)
    file2 = _upload_field(_("Tệp bổ sung khác (nếu có)"))
    note = forms.CharField(
        label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("file1", "file2"):
            check_upload(name, self, self.actor)
        return data

    def uploads(self) -> list[tuple[Any, str]]:
        return [
            (self.cleaned_data[n], "BS") for n in ("file1", "file2") if self.cleaned_data.get(n)
        ]


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=60)

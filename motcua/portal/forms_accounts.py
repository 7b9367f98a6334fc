"""Forms of the citizen's account pages. Every field has a Vietnamese label; bad input
gets a Vietnamese message next to the field and the typed values stay (passwords
excepted: browsers must not be handed them back)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts import otp
from motcua.accounts.models import User

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Longest address kept as a username (User.username holds 150 characters).
MAX_ADDRESS = 150


class DestinationField(forms.CharField):
    """A Vietnamese mobile number or an e-mail address, cleaned to ``otp.Destination``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Số điện thoại di động hoặc e-mail"))
        kwargs.setdefault("help_text", gettext_lazy("Ví dụ: 0912 345 678 hoặc ten@example.com"))
        kwargs.setdefault("max_length", MAX_ADDRESS)
        kwargs.setdefault(
            "error_messages",
            {
                "required": gettext_lazy("Vui lòng nhập số điện thoại hoặc e-mail."),
                "max_length": gettext_lazy("Địa chỉ e-mail quá dài (tối đa 150 ký tự)."),
            },
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "username", "inputmode": "email", "spellcheck": "false"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> otp.Destination:  # type: ignore[override]
        text = super().clean(value)
        try:
            return otp.normalise(text)
        except otp.InvalidDestination:
            if "@" in text:
                message = _("Địa chỉ e-mail không hợp lệ. Ví dụ đúng: ten@example.com.")
            else:
                message = _(
                    "Số điện thoại không hợp lệ: cần số di động Việt Nam 10 chữ số, "
                    "ví dụ 0912 345 678 hoặc +84 912 345 678."
                )
            raise ValidationError(message, code="invalid") from None


PASSWORD_RULES = gettext_lazy(
    "Ít nhất 8 ký tự, không toàn chữ số, không quá phổ biến, không giống tên hay địa chỉ của bạn."
)


def _password_field(
    label: str | _StrPromise, autocomplete: str = "new-password", help_text: str | _StrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        error_messages={"required": gettext_lazy("Vui lòng nhập mật khẩu.")},
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class NewPasswordMixin(forms.Form):
    """Two password fields that must match and pass Django's password validators."""

    password1 = _password_field(gettext_lazy("Mật khẩu"), help_text=PASSWORD_RULES)
    password2 = _password_field(gettext_lazy("Nhập lại mật khẩu"))

    def user_for_validation(self) -> User:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không giống nhau."))
        elif first:
            try:
                password_validation.validate_password(first, self.user_for_validation())
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class SignUpForm(NewPasswordMixin):
    destination = DestinationField()
    full_name = forms.CharField(
        label=gettext_lazy("Họ và tên"),
        max_length=200,
        error_messages={"required": gettext_lazy("Vui lòng nhập họ và tên.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["destination", "full_name", "password1", "password2"]

    def user_for_validation(self) -> User:
        destination = self.cleaned_data.get("destination")
        address = destination.value if isinstance(destination, otp.Destination) else ""
        return User(
            username=address,
            full_name=self.cleaned_data.get("full_name", ""),
            email=address if "@" in address else "",
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực (6 chữ số)"),
        max_length=20,
        error_messages={"required": gettext_lazy("Vui lòng nhập mã xác thực.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise ValidationError(_("Mã xác thực gồm đúng 6 chữ số."), code="invalid")
        return code


class SignInForm(forms.Form):
    destination = DestinationField(widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = _password_field(gettext_lazy("Mật khẩu"), autocomplete="current-password")


class RecoverForm(forms.Form):
    destination = DestinationField(
        help_text=gettext_lazy("Số điện thoại hoặc e-mail bạn đã dùng khi đăng ký.")
    )


class SetPasswordForm(NewPasswordMixin):
    """A new password for ``user`` (after recovery by code)."""

    password1 = _password_field(gettext_lazy("Mật khẩu mới"), help_text=PASSWORD_RULES)
    password2 = _password_field(gettext_lazy("Nhập lại mật khẩu mới"))

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def user_for_validation(self) -> User:
        return self.user


class ChangePasswordForm(SetPasswordForm):
    """A signed-in citizen's new password: the current one first."""

    current = _password_field(gettext_lazy("Mật khẩu hiện tại"), autocomplete="current-password")
    field_order = ["current", "password1", "password2"]

    def clean_current(self) -> str:
        current: str = self.cleaned_data["current"]
        if not self.user.check_password(current):
            raise ValidationError(_("Mật khẩu hiện tại không đúng."), code="wrong")
        return current


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    # Declared here, not derived from the model, so that "0012 3456 7890" typed with
    # spaces is not refused for its length before the spaces are taken out.
    personal_id = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (không bắt buộc)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("12 chữ số, in trên căn cước. Dùng để điền sẵn khi nộp hồ sơ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = User
        fields = ["full_name", "personal_id"]
        labels = {"full_name": gettext_lazy("Họ và tên")}
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].error_messages["required"] = _("Vui lòng nhập họ và tên.")

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_personal_id(self) -> str:
        value = re.sub(r"[\s.]", "", self.cleaned_data.get("personal_id") or "")
        if value and not re.fullmatch(r"\d{12}", value):
            raise ValidationError(_("Số định danh cá nhân gồm đúng 12 chữ số."), code="invalid")
        return value

"""Browser forms for sign-in, MFA, passwords and account management."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners.models import Agency, User
from partners.roles import Role


def add_service_errors(forms_: Iterable[forms.BaseForm], exc: ValidationError) -> None:
    """Put a service's ValidationError on the form that has the field, else above the first form."""
    forms_ = list(forms_)
    if not hasattr(exc, "error_dict"):
        forms_[0].add_error(None, exc)
        return
    for name, messages in exc.message_dict.items():
        target = next((form for form in forms_ if name in form.fields), None)
        if target is None:
            forms_[0].add_error(None, messages)
        else:
            target.add_error(name, messages)


SIGN_IN_ERROR = _("The username or password is not correct, or the account cannot sign in.")


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    acknowledge = forms.BooleanField(
        label=_("I have read the notice above and agree to its terms."),
        error_messages={"required": _("You must acknowledge the system-use notice to sign in.")},
    )


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords do not match."))
        elif first:
            try:
                validate_password(first, self.user)
            except forms.ValidationError as exc:
                self.add_error("new_password1", exc)
        return data


class PasswordChangeForm(NewPasswordForm):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("Your current password is not correct."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("old_password") and data.get("old_password") == data.get("new_password1"):
            self.add_error("new_password1", _("Choose a password different from the current one."))
        return data


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PersonForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"), max_length=150, regex=r"^[\w.@+-]+\Z", help_text=_("Letters, digits and @/./+/-/_ only.")
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), help_text=_("The invitation to set a password goes here."))
    title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.active())
    roles = RolesField(label=_("Roles"), choices=Role.choices)

    def __init__(self, *args: Any, allowed_roles: list[tuple[str, Any]], agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = allowed_roles
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = agencies
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
            self.fields["agency"].widget = forms.HiddenInput()

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That username is taken."))
        return username


class RolesForm(forms.Form):
    roles = RolesField(label=_("Roles"), choices=Role.choices)

    def __init__(self, *args: Any, allowed_roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = allowed_roles

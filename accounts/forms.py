"""Signing in with an email address, and the password pages around it."""

from django import forms
from django.contrib.auth import forms as auth_forms

from tracker.forms import NhsFormMixin


class SignInForm(NhsFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        # The same words whether or not the email address has an account.
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account has been deactivated. Contact your council or the service desk.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class PasswordResetForm(NhsFormMixin, auth_forms.PasswordResetForm):
    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class SetPasswordForm(NhsFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(NhsFormMixin, auth_forms.PasswordChangeForm):
    pass


def username_for_lockout(request, credentials) -> str:
    """Count failures per email address whatever its case or spaces."""
    credentials = credentials or {}
    # Django's sign-in signals name it "username"; Axes's own lookups may name it by USERNAME_FIELD.
    return str(credentials.get("username") or credentials.get("email") or "").strip().lower()

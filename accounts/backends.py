"""How the signed-in person is loaded on each request: with whether they have a second
factor, in the same query, because the two-factor middleware asks on every request (a
second factor set up in another session applies at once, and costs no query of its own)."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


def second_factor_exists() -> Exists:
    """A confirmed authenticator app, or recovery codes left, for the person in the outer query."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)) | Exists(
        StaticToken.objects.filter(device__user=OuterRef("pk"))
    )


class PersonBackend(ModelBackend):
    def get_user(self, user_id):
        user = User._default_manager.annotate(has_second_factor=second_factor_exists()).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

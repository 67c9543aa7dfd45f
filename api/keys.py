"""Making, checking and revoking API keys. A key reads ``cct_<prefix>_<secret>``; only its
SHA-256 is kept, so a stolen database gives no working key."""

import hashlib
import hmac
import secrets

from django.db.models import Q
from django.utils import timezone

from accounts import audit
from accounts.roles import Roles
from api.models import ApiKey

PREFIX = "cct_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def make(*, name: str, kind: str, user, local_authority=None, provider=None, expires_at=None) -> tuple[ApiKey, str]:
    """A new key: (the record, the key itself, shown once)."""
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    made = ApiKey.objects.create(
        name=name, kind=kind, local_authority=local_authority, provider=provider, prefix=prefix,
        key_hash=digest(key), created_by=user, expires_at=expires_at,
    )  # fmt: skip
    audit.record(audit.Action.API_KEY_CREATED, user=user, target=str(made), detail=made.scope_label)
    return made, key


def check(presented: str) -> ApiKey | None:
    """The usable key ``presented`` is, or None (unknown, altered, revoked or expired)."""
    if not presented.startswith(PREFIX) or presented.count("_") < 2:
        return None
    prefix = presented[len(PREFIX) :].split("_", 1)[0]
    found = ApiKey.objects.select_related("local_authority", "provider").filter(prefix=prefix).first()
    if found is None or not hmac.compare_digest(found.key_hash, digest(presented)) or not found.is_usable():
        return None
    return found


def revoke(key: ApiKey, user) -> None:
    if key.revoked_at is None:
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
        audit.record(audit.Action.API_KEY_REVOKED, user=user, target=str(key))


def managed(roles: Roles) -> Q:
    """Keys a person may see and revoke: every one (service admins), their councils', their providers'."""
    if roles.is_service_admin:
        return Q()
    found = Q(pk__in=[])
    if roles.council_la_ids:
        found |= Q(kind=ApiKey.Kind.COUNCIL, local_authority_id__in=roles.council_la_ids)
    if roles.provider_ids:
        found |= Q(kind=ApiKey.Kind.PROVIDER, provider_id__in=roles.provider_ids)
    return found


def may_manage(roles: Roles) -> bool:
    return roles.is_service_admin or roles.is_council_admin or roles.is_provider_admin

"""Making, checking and revoking API keys. A key reads ``cct_<prefix>_<secret>``; only its
SHA-256 is kept, so a stolen database gives no working key."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent
from accounts.roles import Roles
from accounts.throttle import tally
from api.models import ApiKey
from tracker.replicas import PRIMARY, bookkeeping
from tracker.sql import one

PREFIX = "cct_"
MINUTE = datetime.timedelta(seconds=60)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def make(*, name: str, kind: str, user, local_authority=None, provider=None, expires_at=None,
         note: str = "") -> tuple[ApiKey, str]:  # fmt: skip
    """A new key: (the record, the key itself, shown once). ``note`` adds to its audit event."""
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    made = ApiKey.objects.create(
        name=name, kind=kind, local_authority=local_authority, provider=provider, prefix=prefix,
        key_hash=digest(key), created_by=user, expires_at=expires_at,
    )  # fmt: skip
    detail = f"{made.scope_label}; {note}" if note else made.scope_label
    audit.record(audit.Action.API_KEY_CREATED, user=user, target=str(made), detail=detail)
    return made, key


def check(presented: str) -> ApiKey | None:
    """The usable key ``presented`` is, or None (unknown, altered, revoked or expired)."""
    if not presented.startswith(PREFIX) or presented.count("_") < 2 or "\x00" in presented:
        return None
    prefix = presented[len(PREFIX) :].split("_", 1)[0]
    # From the primary even when the request reads from a replica: a revoked key stops at once.
    found = one(ApiKey, "prefix = %s", [prefix], using=PRIMARY)
    if found is None or not hmac.compare_digest(found.key_hash, digest(presented)) or not found.is_usable():
        return None
    return found


# How long a replaced key keeps working, for its system to switch to the new one.
OVERLAP = datetime.timedelta(days=7)


class CannotReplace(Exception):
    """Only a working key that has not been replaced already can be replaced."""


def replace(old: ApiKey, user) -> tuple[ApiKey, str, ApiKey]:
    """A new key with the old one's name, scope and lifetime; the old one keeps working for
    OVERLAP (or until it expires, if sooner), then stops. Returns (the new record, the new
    key, the old record as it now is)."""
    now = timezone.now()
    with transaction.atomic():
        old = ApiKey.objects.select_for_update().get(pk=old.pk)
        if not old.is_usable(now) or old.replaced_by_id:
            raise CannotReplace
        lifetime = old.expires_at - old.created_at if old.expires_at else None
        until = min(old.expires_at or now + OVERLAP, now + OVERLAP)
        note = f"replaces {old}, which works until {timezone.localtime(until):%d %b %Y %H:%M}"
        made, key = make(name=old.name, kind=old.kind, user=user, local_authority=old.local_authority,
                         provider=old.provider, expires_at=now + lifetime if lifetime else None, note=note)  # fmt: skip
        old.replaced_by, old.expires_at = made, until
        old.save(update_fields=["replaced_by", "expires_at"])
    return made, key, old


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


class TooMany(Exception):
    """Over the key's requests a minute: ``wait`` seconds until the next minute."""

    def __init__(self, wait: int):
        self.wait = wait


class TooLarge(Exception):
    """A request body over API_MAX_BODY_BYTES (refused before it is read)."""


def authorise(request, presented: str) -> ApiKey | None:
    """The key a request presents, if usable: counted against its limit a minute, its use
    in the audit trail. None for no usable key; TooMany over the limit; TooLarge for a body
    too big to read."""
    key = check(presented)
    if key is None:
        return None
    length = request.META.get("CONTENT_LENGTH") or "0"
    too_large = not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES
    # Bookkeeping the request never reads back: it leaves the request's reads on a replica.
    # The count and the audit event are one statement (the event only within the limit).
    used = audit.values(audit.Action.API_USED, user=None, request=request, target=str(key),
                        detail=f"{request.method} {request.get_full_path()}"[:500])  # fmt: skip
    with bookkeeping():
        counted = tally(
            f"api:{key.pk}", settings.API_REQUESTS_PER_MINUTE, record=None if too_large else (AuditEvent, used)
        )
        now = used["at"]
        if not counted.over and not too_large and (key.last_used_at is None or now - key.last_used_at > MINUTE):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    request.rate_limit = counted  # for the RateLimit headers (api/middleware.py)
    if counted.over:
        raise TooMany(counted.reset)
    if too_large:
        raise TooLarge
    return key

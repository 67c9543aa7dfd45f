"""Making, checking and revoking API keys. A key reads ``cct_<prefix>_<secret>``; only its
SHA-256 is kept, so a stolen database gives no working key."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Membership, Role, User
from accounts.throttle import tally
from api.audit_actions import ApiAction
from api.models import WRITE_KEY_LIFETIME, ApiKey
from tracker.replicas import PRIMARY, bookkeeping
from tracker.sql import one, table

PREFIX = "cct_"
MINUTE = datetime.timedelta(seconds=60)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TooLong(ValueError):
    """A key that sets figures asked to last longer than a year, or for ever."""


def make(*, name: str, kind: str, user, local_authority=None, provider=None, expires_at=None,
         note: str = "") -> tuple[ApiKey, str]:  # fmt: skip
    """A new key: (the record, the key itself, shown once). ``note`` adds to its audit event.
    TooLong for a key that sets figures without an expiry within a year."""
    if problem := ApiKey.lifetime_problem(kind, expires_at):
        raise TooLong(problem)
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    made = ApiKey.objects.create(
        name=name, kind=kind, local_authority=local_authority, provider=provider, prefix=prefix,
        key_hash=digest(key), created_by=user, expires_at=expires_at,
    )  # fmt: skip
    detail = f"{made.scope_label}; {note}" if note else made.scope_label
    audit.record(ApiAction.API_KEY_CREATED, user=user, target=str(made), detail=detail)
    return made, key


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def maker_holds_role(key: str) -> str:
    """SQL over an ApiKey row (``key``: its table or alias): whether the person who made it
    is active and still holds a role that may make it: a service admin any key, a council
    admin of its council a council's key, a provider admin of its provider a provider's.
    The same rule as ``accounts.permissions.api_keys`` (who may see, replace and revoke a key; a test holds the
    two together), written as SQL so the key's check stays one statement."""
    return f"""EXISTS (
        SELECT 1 FROM {table(User)} maker
         WHERE maker.id = {key}.created_by_id AND maker.is_active AND (maker.is_superuser OR EXISTS (
               SELECT 1 FROM {table(Membership)} held
                WHERE held.user_id = maker.id
                  AND ((held.role = {_literal(Role.COUNCIL_ADMIN)} AND {key}.kind = {_literal(ApiKey.Kind.COUNCIL)}
                        AND held.local_authority_id = {key}.local_authority_id)
                    OR (held.role = {_literal(Role.PROVIDER_ADMIN)} AND {key}.kind = {_literal(ApiKey.Kind.PROVIDER)}
                        AND held.provider_id = {key}.provider_id)))))"""  # noqa: S608 - the models' tables, our constants


class Stopped(Exception):
    """A real key that no longer works, and why (the 401 says it: its holder has the key)."""

    def __init__(self, reason: str, code: str = "security"):
        super().__init__(reason)
        self.reason, self.code = reason, code


# The role that stands behind each kind of key, as a stopped key's 401 names it.
MAKER = {
    ApiKey.Kind.COUNCIL: "a council admin of its council",
    ApiKey.Kind.PROVIDER: "a provider admin of its provider",
    ApiKey.Kind.NATIONAL: "a service admin",
}


def check(presented: str) -> ApiKey | None:
    """The usable key ``presented`` is; None for no key of ours (unknown or altered);
    Stopped for one revoked, expired, or whose maker no longer holds the role that made it."""
    if not presented.startswith(PREFIX) or presented.count("_") < 2 or "\x00" in presented:
        return None
    prefix = presented[len(PREFIX) :].split("_", 1)[0]
    # From the primary even when the request reads from a replica: a revoked key stops at once.
    # One statement, the maker's role with it: a role taken away stops the key at once too.
    found = one(ApiKey, "prefix = %s", [prefix], using=PRIMARY,
                also={"maker_holds_role": maker_holds_role(table(ApiKey))})  # fmt: skip
    if found is None or not hmac.compare_digest(found.key_hash, digest(presented)):
        return None
    if found.revoked_at is not None:
        raise Stopped("This key was revoked. Ask an admin of your organisation for a new one.")
    if not found.is_usable():
        raise Stopped(f"This key expired at {found.expires_at:%Y-%m-%dT%H:%M:%SZ}. Ask an admin of your "
                      "organisation for a new one.", code="expired")  # fmt: skip
    if not found.maker_holds_role:
        raise Stopped(f"This key stopped: the person who made it no longer holds the role that made it "
                      f"({MAKER[found.kind]}), or their account was closed. An admin of your organisation can "
                      "replace it on the API keys page.")  # fmt: skip
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
        if old.sets_figures:  # a year at most, though the old key was given its year late
            lifetime = min(lifetime or WRITE_KEY_LIFETIME, WRITE_KEY_LIFETIME)
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
        audit.record(ApiAction.API_KEY_REVOKED, user=user, target=str(key))


class TooMany(Exception):
    """Over the key's requests a minute: ``wait`` seconds until the next minute."""

    def __init__(self, wait: int):
        self.wait = wait


class TooLarge(Exception):
    """A request body over API_MAX_BODY_BYTES (refused before it is read)."""


def authorise(request, presented: str) -> ApiKey | None:
    """The key a request presents, if usable: counted against its limit a minute, its use
    in the audit trail. None for no key of ours; Stopped for one that no longer works;
    TooMany over the limit; TooLarge for a body too big to read."""
    key = check(presented)
    if key is None:
        return None
    length = request.META.get("CONTENT_LENGTH") or "0"
    too_large = not length.isdigit() or int(length) > settings.API_MAX_BODY_BYTES
    # Bookkeeping the request never reads back: it leaves the request's reads on a replica.
    # The count and the audit event are one statement (the event only within the limit).
    used = audit.values(ApiAction.API_USED, user=None, request=request, target=str(key),
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

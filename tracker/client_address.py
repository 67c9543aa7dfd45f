"""Whose request is it: the one way the portal reads a client's address, for the sign-in
lockout (django-axes calls it: AXES_CLIENT_IP_CALLABLE), the audit trail and every rate limit.

Behind ``TRUSTED_PROXY_COUNT`` proxies (HAProxy in front of the app servers: 1; a CDN in
front of that: 2), each appends the address it was connected from to X-Forwarded-For, so
the client is the entry that many places from the end. Anything before it was written by
the client and is ignored, so a forged header cannot move a client into someone else's
count. With no proxy, or a request that did not come through them all, it is the address
connected to us. Without this, behind a balancer every client has the balancer's address:
five wrong passwords from anyone would lock an account for everyone.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:
        return remote
    return _address(hops[-proxies]) or remote


def _address(text: str) -> str | None:
    """The address in its one canonical form ("::ffff:127.0.0.2" is 127.0.0.2), or None."""
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)

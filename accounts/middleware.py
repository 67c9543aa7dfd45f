import time

from django.conf import settings

from accounts import permissions
from accounts.roles import roles_for


class SessionActivityMiddleware:
    """Sign-ins expire after SESSION_COOKIE_AGE of inactivity, sooner for admins.

    Saving the session on every request would do that too, at the cost of a
    database write per page view; refreshing it at most every few minutes
    keeps the expiry honest to within that margin.
    """

    REFRESH_SECONDS = 300

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("seen", 0) >= self.REFRESH_SECONDS:
                session["seen"] = now
                if permissions.holds_admin_power(roles_for(request.user)):
                    session.set_expiry(settings.ADMIN_SESSION_COOKIE_AGE)
        return self.get_response(request)

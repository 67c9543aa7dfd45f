import time

from django.conf import settings

from accounts import permissions
from accounts.roles import roles_for
from tracker.http import is_public_page


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
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_page(view_func):
            return None
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - session.get("seen", 0) >= self.REFRESH_SECONDS:
                session["seen"] = now
                if permissions.holds_admin_power(roles_for(request.user)):
                    session.set_expiry(settings.ADMIN_SESSION_COOKIE_AGE)
        return None

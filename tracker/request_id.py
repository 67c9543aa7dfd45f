"""A request id for every request: in the X-Request-ID response header, every log line
and every audit event, so one person's complaint leads to its log lines and back.

A sane id from the load balancer or a partner (X-Request-ID: 8 to 128 letters, digits,
dots, dashes, underscores or colons) is kept, so one id follows a request through
every hop; anything else is replaced by a new random one.
"""

import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current() -> str | None:
    """The id of the request being answered, or None outside a request (a worker, a command)."""
    return _current.get()


def choose(incoming: str | None) -> str:
    if incoming and SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so even a redirect or a refusal by later middleware carries the id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = choose(request.headers.get(HEADER))
        token = _current.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.id
        return response

"""How the API answers: JSON with an ETag, and RFC 9457 problem details for errors."""

import hashlib

from django.http import JsonResponse


def problem(status: int, title: str, detail: str, *, extra: dict | None = None, **headers) -> JsonResponse:
    """An RFC 9457 problem details response; ``extra`` adds members (``errors``, ``current``)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **(extra or {})}
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def json_with_etag(request, data: dict, *, content_type: str = "application/json") -> JsonResponse:
    """``data`` as compact JSON with a strong ETag; 304 when the client has it already."""
    response = JsonResponse(data, json_dumps_params={"separators": (",", ":")}, content_type=content_type)
    tag = etag(response.content)
    if request.headers.get("If-None-Match") == tag:
        response = JsonResponse({}, status=304)
        response.content = b""
    response["ETag"] = tag
    response["Cache-Control"] = "private, no-cache"
    return response

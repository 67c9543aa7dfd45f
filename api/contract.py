"""What each API operation promises besides its answer (issue 30): every status it may
answer, each with one problem details body (schemas.Problem, RFC 9457); the headers a
client reads or sends; which kinds of key it accepts; and links to the operations a client
calls next. A view states its own with ``promises(...)`` (its ``openapi_extra``) and
``complete`` folds them into the OpenAPI document, which partners' generated clients, the
reference page (/api/v1/docs/) and the tests' Schemathesis all read."""

from django.conf import settings

from api.schemas import FieldProblem, Problem

PROBLEM_JSON = "application/problem+json"
HOME_ID = "The home's CQC location ID, like 1-101234567"

# The kinds of key, as OpenAPI security schemes: each is sent the same way (a bearer key);
# an operation lists the kinds it accepts.
KEY_KINDS = {
    "CouncilKey": "A council's key, made by a council admin: reads the homes in the council's area.",
    "ProviderKey": "A provider's key, made by a provider admin: reads the provider's homes and sets their "
    "figures. It expires within a year.",
    "NationalKey": "A national key, made by a service admin: reads every home in England.",
}
READERS = ["CouncilKey", "ProviderKey", "NationalKey"]
WRITERS = ["ProviderKey"]
KEY_NOTE = (
    "A key works while the person who made it holds the role that made it; send it as Authorization: Bearer <key>."
)


def _integer_header(description: str) -> dict:
    return {"description": description, "schema": {"type": "integer", "minimum": 0}}


# On every answer to a usable key (api/middleware.py); required on the answers that always
# come after the key was counted.
RATE_LIMIT = {
    "RateLimit-Limit": _integer_header("Requests this key may make a minute"),
    "RateLimit-Remaining": _integer_header("Requests left this minute"),
    "RateLimit-Reset": _integer_header("Seconds until the minute ends"),
}
ETAG = {
    "ETag": {
        "description": "This answer's version; send it back as If-None-Match for a 304 when nothing changed",
        "schema": {"type": "string", "pattern": '^"[0-9a-f]{32}"$'},
    }
}
# If-Match carries the figures' version (the home's ``version``), quoted as an entity tag
# (api/write.py reads it with this pattern).
IF_MATCH_PATTERN = r'^((W/)?"[0-9]{1,9}"|[0-9]{1,9})$'
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": "The figures' version you last read (the home's version), like \"12\": a stale one gets 412 "
    "with the home as it is now, none 428",
    "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "The ETag of an answer you hold: 304 with no body when it is still the same",
    "schema": {"type": "string"},
}


def _every_operation() -> dict[int, str]:
    """What any operation may answer besides its own statuses."""
    return {
        400: "Malformed: a parameter, header or body of the wrong type or out of range, or holding a NUL "
        "character; detail names it",
        401: "No usable key: none sent, not one of ours, revoked, expired, or its maker no longer holds the role "
        "that made it; detail says which",
        413: f"A request body over {settings.API_MAX_BODY_BYTES:,} bytes",
        429: f"Over the key's {settings.API_REQUESTS_PER_MINUTE} requests a minute: wait Retry-After seconds",
        503: "The service cannot reach its database for now: try again after Retry-After seconds",
    }


def _required(headers: dict) -> dict:
    return {name: {**header, "required": True} for name, header in headers.items()}


def _problem(description: str, status: int) -> dict:
    headers = dict(RATE_LIMIT)
    if status == 401:
        headers = {"WWW-Authenticate": {"description": "Bearer", "required": True, "schema": {"type": "string"}}}
    elif status == 429:
        headers = _required({**RATE_LIMIT, "Retry-After": _integer_header("Seconds until the key may ask again")})
    elif status == 503:
        headers = _required({"Retry-After": _integer_header("Seconds to wait before trying again")})
    return {
        "description": description,
        "headers": headers,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def promises(*, keys: list[str], ok: str, answers: dict[int, str], links: dict | None = None,
             writes: bool = False) -> dict:  # fmt: skip
    """An operation's promises, as its ``openapi_extra``: the ``keys`` kinds it accepts, what
    its 200 is (``ok``), its own error ``answers`` by status (beyond those every operation
    may give), ``links`` from its 200 to the operations a client calls next (name: link
    object), and whether it ``writes`` (If-Match) or reads (ETag, If-None-Match, 304)."""
    success = {
        "description": ok,
        "headers": {name: {**header, "required": True} for name, header in RATE_LIMIT.items()},
    }
    if not writes:
        success["headers"] |= _required(ETAG)
    if links:
        success["links"] = links
    responses = {200: success}
    if not writes:
        responses[304] = {
            "description": "Not modified: the If-None-Match sent is still this answer's ETag (no body)",
            "headers": _required({**ETAG, **RATE_LIMIT}),
        }
    for status, description in sorted({**_every_operation(), **answers}.items()):
        responses[status] = _problem(description, status)
    return {
        "responses": responses,
        "parameters": [IF_MATCH if writes else IF_NONE_MATCH],
        "security": [{kind: []} for kind in keys],
        "description": "Keys it accepts: "
        + "; ".join(KEY_KINDS[kind] for kind in keys)
        + (" Other keys get 403." if writes else "")
        + f" {KEY_NOTE}",
    }


def link(operation_id: str, description: str, **parameters: str) -> dict:
    """An OpenAPI link from an answer to ``operation_id``, its ``parameters`` runtime
    expressions (a header's name as ``header.If-Match``: pass it in a dict)."""
    return {"operationId": operation_id, "description": description, "parameters": parameters}


def complete(schema: dict) -> dict:
    """The document ninja drew, with what the views promise: the kinds of key as security
    schemes (instead of ninja's one), and the problem details schema."""
    schema["components"]["securitySchemes"] = {
        kind: {"type": "http", "scheme": "bearer", "description": text} for kind, text in KEY_KINDS.items()
    }
    for methods in schema["paths"].values():
        for operation in methods.values():
            operation["security"] = [entry for entry in operation.get("security", []) if "KeyAuth" not in entry]
    for model in (FieldProblem, Problem):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        definition.pop("$defs", None)  # Home and its parts: drawn already for the operations' answers
        schema["components"]["schemas"][model.__name__] = definition
    return schema

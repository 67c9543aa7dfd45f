"""Vacancies posted by providers' own systems: the same rules, history and audit as the form.

A provider's key sets a home's figures, or confirms "no change", sending the figures'
version it last read as ``If-Match``. A stale version gets 412 with the home as it is now,
so nothing is overwritten silently (docs/adr/003-no-lost-updates.md). The figures are
checked by the form's own rules (vacancies/forms.py), so a count the form refuses, the
API refuses with the same words.
"""

import re

from django.db import transaction
from ninja import Path, Router

from accounts import audit
from api.contract import HOME_ID, IF_MATCH_PATTERN, WRITERS, link, promises
from api.models import ApiKey
from api.read import home_or_404, homes_in_scope
from api.responses import json_with_etag, problem
from api.schemas import Figures, Home
from registers.models import CareHome
from vacancies.audit_actions import VacancyAction
from vacancies.forms import CategoryForm, HomeClosureForm
from vacancies.models import BedSex, CategoryVacancy, HomeVacancies
from vacancies.updates import CATEGORY_FIELDS, HOME_FIELDS, Conflict, board_for, confirm_no_change, save_vacancies

router = Router(tags=["Write (provider keys)"])

# What a category the home does not offer yet starts with, apart from what is sent.
NEW_CATEGORY = {"unavailable_reason": "", "sex": BedSex.ANY, "closed": False, "closed_reason": "",
                "reopening_date": None}  # fmt: skip


class Refused(Exception):
    def __init__(self, response):
        self.response = response


def via(key: ApiKey) -> str:
    """How the history names an update this key made."""
    return f"API key “{key.name}” ({key.prefix}…)"[:120]


def _writable_home(request, cqc_location_id: str) -> CareHome:
    key = request.auth
    if key.kind != ApiKey.Kind.PROVIDER:
        raise Refused(problem(403, "Forbidden", "Only a provider's key may change a home's figures."))
    home = homes_in_scope(key).filter(cqc_location_id=cqc_location_id).first()
    if home is None:
        raise Refused(problem(404, "Not found", "No home with that CQC location ID in this key's scope"))
    return home


_IF_MATCH = re.compile(IF_MATCH_PATTERN)


def _if_match(request) -> int:
    """The figures' version the client last read, from ``If-Match: "12"``."""
    sent = request.headers.get("If-Match")
    if not sent:
        detail = 'Send the figures\' version you last read as If-Match, like If-Match: "12".'
        raise Refused(problem(428, "Precondition required", detail))
    if not _IF_MATCH.match(sent.strip()):
        raise Refused(problem(400, "Bad request", 'If-Match: the figures\' version, a whole number, like "12".'))
    return int(sent.strip().removeprefix("W/").strip('"'))


def _stale(home: CareHome, request) -> Refused:
    current = home_or_404(request.auth, home.cqc_location_id)
    return Refused(problem(412, "Precondition failed",
                           f"The figures changed since the version you sent: they are at version {current['version']}. "
                           "Nothing was changed; here they are now.", extra={"current": current}))  # fmt: skip


def _form_data(prefix: str, values: dict) -> dict:
    data = {}
    for name, value in values.items():
        data[f"{prefix}{name}"] = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
    return data


def _checked(home: CareHome, figures: Figures, version: int) -> tuple[dict, dict]:
    """The categories' and the home's values after this change, checked by the form's rules.
    Raises Refused (422, every problem named by its place in the body) when they break one."""
    existing = {row.category: CategoryForm.initial_from(row) for row in CategoryVacancy.objects.filter(home=home)}
    errors, categories = [], {}
    for index, item in enumerate(figures.categories):
        sent = item.model_dump(exclude_unset=True, exclude={"category"})
        if item.category in categories:
            errors.append({"field": f"categories[{index}].category", "message": "This category is sent twice"})
            continue
        current = existing.get(item.category, NEW_CATEGORY)
        form = CategoryForm(_form_data(f"{item.category}-", {**current, **sent}), category=item.category)
        if not form.is_valid():
            errors += [
                {"field": f"categories[{index}].{'category' if name == '__all__' else name}", "message": message}
                for name, messages in form.errors.items()
                for message in messages
            ]
            continue
        categories[item.category] = {name: form.cleaned_data[name] for name in CATEGORY_FIELDS}
    if not existing and not categories:
        errors.append({"field": "categories", "message": "Send the care categories the home offers, with their beds"})
    board = HomeVacancies.objects.filter(home=home).first() or HomeVacancies(home=home)  # read: nothing made yet
    home_values = {name: getattr(board, name) for name in HOME_FIELDS}
    home_values |= figures.model_dump(exclude_unset=True, include=set(HOME_FIELDS))
    closure = HomeClosureForm(_form_data("", {**home_values, "version": version}))
    if not closure.is_valid():
        errors += [
            {"field": "closed_to_admissions" if name == "__all__" else name, "message": message}
            for name, messages in closure.errors.items()
            for message in messages
        ]
    if errors:
        raise Refused(problem(422, "Unprocessable content", "The figures break a rule; nothing was changed.",
                              extra={"errors": errors}))  # fmt: skip
    return categories, {name: closure.cleaned_data[name] for name in HOME_FIELDS}


def _answer(request, home: CareHome):
    return json_with_etag(request, home_or_404(request.auth, home.cqc_location_id))


# From an answer holding the home as it now is: the home again, and the next change.
AFTER_A_WRITE = {
    "GetHome": link("api_read_get_home", "The home again", cqc_location_id="$request.path.cqc_location_id"),
    "SetFigures": link("api_write_put_vacancies", "Set its figures again",
                       **{"cqc_location_id": "$request.path.cqc_location_id",
                          "header.If-Match": '"{$response.body#/version}"'}),
    "ConfirmNoChange": link("api_write_confirm", "Confirm no change",
                            **{"cqc_location_id": "$request.path.cqc_location_id",
                               "header.If-Match": '"{$response.body#/version}"'}),
}  # fmt: skip
REFUSED = {
    403: "Only a provider's key may change a home's figures",
    404: "No home with that CQC location ID in the key's scope",
    412: "The figures changed since the version sent: nothing was changed; current is the home as it is now",
    428: "No If-Match: send the figures' version you last read",
}


@router.put(
    "/homes/{cqc_location_id}/vacancies",
    response={200: Home},
    summary="Set a home's figures (provider keys; If-Match: the version last read)",
    openapi_extra=promises(
        keys=WRITERS, writes=True, links=AFTER_A_WRITE,
        ok="The figures were saved: the home as it now is, with its new version",
        answers={**REFUSED, 415: "A body that is not sent as application/json",
                 422: "The figures break a rule (as the portal's form's): errors names each, by field; nothing "
                 "was changed"},
    ),
)  # fmt: skip
def put_vacancies(request, figures: Figures, cqc_location_id: str = Path(..., description=HOME_ID)):
    try:
        if request.content_type != "application/json":
            raise Refused(problem(415, "Unsupported media type", "Send the figures as JSON: Content-Type: "
                                  "application/json."))  # fmt: skip
        home = _writable_home(request, cqc_location_id)
        version = _if_match(request)
        categories, home_values = _checked(home, figures, version)
        try:
            with transaction.atomic():  # the figures and their audit event commit together
                save_vacancies(home, None, loaded_version=version, categories=categories,
                               home_values=home_values, via=via(request.auth))  # fmt: skip
                audit.record(VacancyAction.VACANCIES_CHANGED, target=f"{home.name} ({home.cqc_location_id})",
                             detail=via(request.auth))  # fmt: skip
        except Conflict:
            raise _stale(home, request) from None
    except Refused as refused:
        return refused.response
    return _answer(request, home)


@router.post(
    "/homes/{cqc_location_id}/confirm",
    response={200: Home},
    summary='Confirm "no change" (provider keys; If-Match: the version last read)',
    openapi_extra=promises(
        keys=WRITERS, writes=True, links=AFTER_A_WRITE,
        ok="Confirmed: the home as it now is, confirmed now",
        answers={**REFUSED, 409: "The home has no figures to confirm yet: set them first"},
    ),
)  # fmt: skip
def confirm(request, cqc_location_id: str = Path(..., description=HOME_ID)):
    try:
        home = _writable_home(request, cqc_location_id)
        version = _if_match(request)
        with transaction.atomic():
            if board_for(home, lock=True).version != version:
                raise _stale(home, request)
            if not confirm_no_change([home], None, via=via(request.auth)):
                raise Refused(problem(409, "Conflict", "The home has no figures to confirm yet: set them first."))
            audit.record(VacancyAction.VACANCIES_CONFIRMED, target=f"{home.name} ({home.cqc_location_id})",
                         detail=via(request.auth))  # fmt: skip
    except Refused as refused:
        return refused.response
    return _answer(request, home)

"""Every page of ours is drawn in one shell, templates/base.jinja (with its header and footer;
the public pages' public/base.jinja extends it): a page with every block the shell has, drawn
from a request as the middleware leaves it (the context processors run), shows each part of
the shell, escaped; and a page's htmx region is one of its blocks drawn alone
(docs/adr/024-one-template-language.md). Until every page had moved, this compared the shell
with Django's base.html, which drew the same markup."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.template import TemplateSyntaxError, engines
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory

from accounts.models import Role
from tests.factories import MembershipFactory

# Every block of the shell a page fills.
BLOCKS = {
    "title": "Beds \u2013 {{ super() }}",
    "head": '<meta name="robots" content="noindex">',
    "body_class": "tracker-wide",
    "before_content": '<a class="nhsuk-back-link" href="/back/">Back</a>',
    "content": "<h1>{{ heading }}</h1>",
}
PAGE = '{% extends "base.jinja" %}' + "".join(
    f"{{% block {name} %}}{body}{{% endblock %}}" for name, body in BLOCKS.items()
)


def request_for(user, path: str = "/find-a-bed/", message: str = ""):
    """A request as the middleware leaves it: the person, their session and messages, a CSP nonce."""
    request = RequestFactory().get(path)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    ContentSecurityPolicyMiddleware(lambda request: None).process_request(request)
    if message:
        request._messages.add(constants.SUCCESS, message)
        request._messages.add(constants.WARNING, f"<b>{message}</b> again")
    return request


def drawn(values: dict, request=None) -> str:
    return engines["jinja2"].from_string(PAGE).render(dict(values), request)


@pytest.fixture
def coordinator_and_staff(home):
    """Someone with a menu of several sections, one with a count (the inbox of their home)."""
    membership = MembershipFactory(role=Role.HOME_STAFF, home=home, user__full_name="Sam <Smith>")
    MembershipFactory(role=Role.COORDINATOR, user=membership.user)
    return membership.user


def test_a_signed_in_page_with_its_menu_and_messages(coordinator_and_staff):
    page = drawn({"heading": "Find a bed"}, request_for(coordinator_and_staff, message="Saved"))
    for part in ("<title>Beds \u2013 Care Capacity Tracker</title>", '<meta name="robots" content="noindex">',
                 'class="tracker-wide"', "nhsuk-back-link", "<h1>Find a bed</h1>", "Sign out", "Sam &lt;Smith&gt;",
                 'aria-current="page"', "hx-trigger", "Saved", "&lt;b&gt;Saved&lt;/b&gt; again", "X-CSRFToken",
                 "Skip to main content", "nhsuk-footer"):  # fmt: skip
        assert part in page, part
    assert "<b>Saved</b>" not in page
    nonces = set(re.findall(r'nonce="([^"]+)"', page))
    assert len(nonces) == 1, "every script carries the page's one nonce"
    assert page.count("<script") == page.count(f'nonce="{nonces.pop()}"')


def test_a_page_for_someone_not_signed_in(db):
    page = drawn({"heading": "Sign in"}, request_for(AnonymousUser(), path="/sign-in/"))
    assert "<h1>Sign in</h1>" in page
    assert "Sign out" not in page
    assert 'href="/find-a-bed/"' not in page  # no menu


def test_a_page_drawn_without_its_request():
    """An error page while the database is down (tracker/views.py): no context processor runs."""
    page = drawn({"heading": "Sorry, the service is unavailable"})
    assert "<h1>Sorry, the service is unavailable</h1>" in page
    assert "Sign out" not in page
    assert "nhsuk-footer" in page


PUBLIC_PAGE = (
    '{% extends "public/base.jinja" %}{% block title %}Compare care homes \u2013 Find a care home{% endblock %}'
    "{% block description %}{{ description }}{% endblock %}{% block content %}<h1>{{ heading }}</h1>{% endblock %}"
)


def test_the_public_pages_shell(db):
    """public/base.jinja, drawn without the request as the public pages are (public/views.py, the
    429 page): the public pages' own header and footer, no menu, message or CSRF header, and the
    page's meta description in the head."""
    values = {"heading": "Compare care homes", "description": "Compare <Oak> & Elm side by side"}
    page = engines["jinja2"].from_string(PUBLIC_PAGE).render(values)
    for part in ('content="Compare &lt;Oak&gt; &amp; Elm side by side"', 'href="/care-homes/"', "About these pages",
                 "Find a care home", "<h1>Compare care homes</h1>"):  # fmt: skip
        assert part in page, part
    for absent in ("X-CSRFToken", "Sign out", "nhsuk-header__navigation"):
        assert absent not in page, absent


def test_a_block_of_a_page_is_drawn_alone_with_the_context_processors(coordinator):
    """ "page.jinja#block": a page's htmx region, without the shell (jinja2-fragments)."""
    request = request_for(coordinator)
    html = render_to_string("about_data.jinja#content", request=request)
    assert "<h1>About the data</h1>" in html
    assert "<html" not in html
    assert "nhsuk-header" not in html
    with pytest.raises(TemplateSyntaxError, match="has no block 'results'"):
        render_to_string("about_data.jinja#results", request=request)
    assert 'href="/find-a-bed/"' in render_to_string("includes/header.jinja", request=request)  # the menu


def test_only_jinja_names_are_jinja2s():
    """A Django template's name goes on to Django's engine, which would misread a *.jinja file."""
    assert get_template("about_data.jinja").backend is engines["jinja2"]
    assert get_template("admin/base.html").backend is engines["django"]  # Django admin's own


def test_a_page_draws_one_csrf_token_in_every_form_and_none_if_it_has_no_form(db):
    """As Django's templates do: Django's Jinja2 backend would mask a new token for each form."""
    request = request_for(AnonymousUser())
    page = engines["jinja2"].from_string("{{ csrf_input }} {{ csrf_token }} {{ csrf_token }}").render({}, request)
    tokens = re.findall(r"\b[A-Za-z0-9]{64}\b", page)
    assert len(tokens) == 3
    assert len(set(tokens)) == 1
    formless = request_for(AnonymousUser())
    assert engines["jinja2"].from_string("<p>No form</p>").render({}, formless) == "<p>No form</p>"
    assert "CSRF_COOKIE" not in formless.META  # no cookie to set: a public page stays cacheable
    assert "CSRF_COOKIE" in request.META

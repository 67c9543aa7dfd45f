"""While pages move to Jinja2 (docs/adr/024-one-template-language.md), every page is drawn in
one of two shells, templates/base.html and templates/base.jinja (with their headers and
footers): the two draw the same markup, or one was changed without the other.

A page in each language, with the same blocks, is drawn from the same request and values by
its own backend (the context processors run for each), and the two are compared as tags and
text, as tests/test_design_system.py compares components."""

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
from tests.test_design_system import normalised

# Every block of the shell a page fills, in each language.
BLOCKS = {
    "title": ("Beds \u2013 {{ block.super }}", "Beds \u2013 {{ super() }}"),
    "head": ('<meta name="robots" content="noindex">',) * 2,
    "body_class": ("tracker-wide",) * 2,
    "before_content": ('<a class="nhsuk-back-link" href="/back/">Back</a>',) * 2,
    "content": ("<h1>{{ heading }}</h1>",) * 2,
}
DJANGO_PAGE = '{% extends "base.html" %}' + "".join(
    f"{{% block {name} %}}{django}{{% endblock %}}" for name, (django, _) in BLOCKS.items()
)
JINJA_PAGE = '{% extends "base.jinja" %}' + "".join(
    f"{{% block {name} %}}{jinja}{{% endblock %}}" for name, (_, jinja) in BLOCKS.items()
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


# What differs from one request to the next: the CSRF token (masked afresh each time it is
# read) and the CSP nonce.
PER_REQUEST = [(re.compile(r"\b[A-Za-z0-9]{64}\b"), "(token)"), (re.compile(r'nonce="[^"]+"'), 'nonce="(nonce)"')]


def per_request_values_out(html: str) -> str:
    for pattern, placeholder in PER_REQUEST:
        html = pattern.sub(placeholder, html)
    return html


def both(values: dict, request=None) -> tuple[str, str]:
    """The two pages, each from a request of its own made by ``request()`` (a nonce once drawn
    is on every later script tag of its request: one request drawn twice would differ)."""
    django = engines["django"].from_string(DJANGO_PAGE).render(dict(values), request and request())
    jinja = engines["jinja2"].from_string(JINJA_PAGE).render(dict(values), request and request())
    return per_request_values_out(django), per_request_values_out(jinja)


@pytest.fixture
def coordinator_and_staff(home):
    """Someone with a menu of several sections, one with a count (the inbox of their home)."""
    membership = MembershipFactory(role=Role.HOME_STAFF, home=home, user__full_name="Sam <Smith>")
    MembershipFactory(role=Role.COORDINATOR, user=membership.user)
    return membership.user


def test_a_signed_in_page_with_its_menu_and_messages(coordinator_and_staff):
    django, jinja = both({"heading": "Find a bed"}, lambda: request_for(coordinator_and_staff, message="Saved"))
    assert normalised(jinja) == normalised(django)
    for drawn in ("Sign out", "Sam &lt;Smith&gt;", 'aria-current="page"', "hx-trigger", "&lt;b&gt;Saved", 'nonce="'):
        assert drawn in django  # the comparison covers each part of the shell


def test_a_page_for_someone_not_signed_in(db):
    django, jinja = both({"heading": "Sign in"}, lambda: request_for(AnonymousUser(), path="/sign-in/"))
    assert normalised(jinja) == normalised(django)
    assert "Sign out" not in django


def test_a_page_drawn_without_its_request():
    """An error page while the database is down (tracker/views.py): no context processor runs."""
    django, jinja = both({"heading": "Sorry, the service is unavailable"})
    assert normalised(jinja) == normalised(django)
    assert "Sorry, the service is unavailable" in django


def test_the_public_pages_values():
    """What the public pages' shell gives the header and footer: its own name, home link and footer."""
    values = {"heading": "Find a care home", "service_name": "Find a care home", "home_url": "/care-homes/"}
    django, jinja = both(values | {"public": True})
    assert normalised(jinja) == normalised(django)
    assert "About these pages" in django


# The public pages' shell as it was in Django's templates (public/base.html, before it moved to
# public/base.jinja): base.html with the blocks it filled, and a page's own.
PUBLIC_DJANGO_PAGE = (
    '{% extends "base.html" %}{% block title %}Compare care homes \u2013 Find a care home{% endblock %}'
    '{% block head %}<meta name="description" content="{% block description %}{{ description }}{% endblock %}">'
    "{% endblock %}{% block body_attributes %}{% endblock %}{% block header %}{% url 'public:find' as find_url %}"
    '{% include "includes/header.html" with service_name="Find a care home" home_url=find_url %}{% endblock %}'
    '{% block messages %}{% endblock %}{% block footer %}{% include "includes/footer.html" with public=True %}'
    "{% endblock %}{% block content %}<h1>{{ heading }}</h1>{% endblock %}"
)
PUBLIC_JINJA_PAGE = (
    '{% extends "public/base.jinja" %}{% block title %}Compare care homes \u2013 Find a care home{% endblock %}'
    "{% block description %}{{ description }}{% endblock %}{% block content %}<h1>{{ heading }}</h1>{% endblock %}"
)


def test_the_public_pages_shell(db):
    """public/base.jinja draws what public/base.html drew, without the request as the public
    pages are drawn (public/views.py, the 429 page): the public pages' own header and footer,
    no menu, message or CSRF header, and the page's meta description in the head."""
    values = {"heading": "Compare care homes", "description": "Compare <Oak> & Elm side by side"}
    django = engines["django"].from_string(PUBLIC_DJANGO_PAGE).render(values)
    jinja = engines["jinja2"].from_string(PUBLIC_JINJA_PAGE).render(values)
    assert normalised(jinja) == normalised(django)
    for drawn in ('content="Compare &lt;Oak&gt; &amp; Elm side by side"', 'href="/care-homes/"', "About these pages"):
        assert drawn in django
    assert "X-CSRFToken" not in django


def test_a_difference_is_seen():
    django, jinja = both({"heading": "Beds"})
    assert normalised(jinja.replace("nhsuk-skip-link", "nhsuk-skiplink")) != normalised(django)


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
    assert get_template("base.html").backend is engines["django"]


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

"""NHS.UK design-system components, each written once, for every template.

The components are Jinja2 macros in templates/components/nhsuk.jinja (our own
small set, in the markup of the pinned nhsuk-frontend; docs/adr/009-html.md).

- Jinja2 templates import them: ``{% import "components/nhsuk.jinja" as nhsuk %}``
  then ``{{ nhsuk.tag("Updated today", "green") }}``.
- Django templates call them with two built-in tags (no ``{% load %}``):
  ``{% nhsuk "tag" text="Updated today" colour="green" %}`` and, for a
  component that wraps other markup,
  ``{% nhsukblock "inset_text" %}<p>...</p>{% endnhsukblock %}``
  (the content arrives as the macro's ``html`` argument). Django templates
  cannot make a dict, so ``attr_hx_post=url`` arrives as ``attrs={"hx-post": url}``.
- ``{% jinja "vacancies/cards.jinja" %}`` renders a Jinja2 template with the
  page's context: for the loops that must be fast (docs/adr/009-html.md).

This module is also the Jinja2 environment (settings.TEMPLATES) and knows no app.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import engines
from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from jinja2 import Environment

COMPONENTS = "components/nhsuk.jinja"

register = template.Library()


def environment(**options) -> Environment:
    """The Jinja2 environment: Django's URLs, static files and number formatting, as the Django templates have."""
    env = Environment(**options)  # noqa: S701 - Django's Jinja2 backend passes autoescape=True
    env.globals.update({"url": lambda name, *args: reverse(name, args=args), "static": static})
    env.filters.update({"intcomma": intcomma, "pluralize": pluralize})
    return env


def macro(name: str, library: str = COMPONENTS):
    """A macro of a Jinja2 template (a component, by default)."""
    return getattr(engines["jinja2"].env.get_template(library).module, name)


def _with_attributes(kwargs: dict) -> dict:
    """Django templates cannot make a dict: ``attr_hx_post=url`` becomes ``attrs={"hx-post": url}``."""
    extra = {
        name.removeprefix("attr_").replace("_", "-"): kwargs.pop(name)
        for name in list(kwargs)
        if name.startswith("attr_")
    }
    if extra:
        kwargs["attrs"] = {**kwargs.get("attrs", {}), **extra}
    return kwargs


@register.simple_tag(name="nhsuk")
def nhsuk_tag(name: str, *args, **kwargs):
    return mark_safe(macro(name)(*args, **_with_attributes(kwargs)))  # noqa: S308 - the macro's output, autoescaped


class ComponentBlockNode(template.Node):
    def __init__(self, name, args, kwargs, nodelist):
        self.name, self.args, self.kwargs, self.nodelist = name, args, kwargs, nodelist

    def render(self, context):
        html = mark_safe(self.nodelist.render(context))  # noqa: S308 - rendered by Django, autoescaped
        args = [arg.resolve(context) for arg in self.args]
        kwargs = _with_attributes({key: value.resolve(context) for key, value in self.kwargs.items()})
        return mark_safe(macro(self.name.resolve(context))(*args, html=html, **kwargs))  # noqa: S308


@register.tag(name="nhsukblock")
def nhsuk_block_tag(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% nhsukblock %} needs a component name")
    args, kwargs = [], {}
    for bit in bits[1:]:
        key, equals, value = bit.partition("=")
        if equals:
            kwargs[key] = parser.compile_filter(value)
        else:
            args.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endnhsukblock",))
    parser.delete_first_token()
    return ComponentBlockNode(parser.compile_filter(bits[0]), args, kwargs, nodelist)


@register.simple_tag(name="jinja", takes_context=True)
def jinja_tag(context, template_name: str, **extra):
    """A Jinja2 template rendered with this page's context (and ``extra``)."""
    values = context.flatten() | extra
    return mark_safe(engines["jinja2"].env.get_template(template_name).render(values))  # noqa: S308


@register.simple_tag(name="pagination", takes_context=True)
def pagination_tag(context, page):
    """Previous and next links for ``page``, keeping every other parameter of the
    request (a filtered list's page 2 keeps its filters)."""
    params = context["request"].GET

    def link(number: int) -> dict:
        query = params.copy()
        query["page"] = str(number)
        return {"href": f"?{query.urlencode()}", "label": f"Page {number} of {page.paginator.num_pages}"}

    previous = link(page.previous_page_number()) if page.has_previous() else None
    following = link(page.next_page_number()) if page.has_next() else None
    return mark_safe(macro("pagination")(previous, following))  # noqa: S308 - the macro's output

"""NHS.UK design-system components, each written once, for every page; and our Jinja2 backend
and environment (settings.TEMPLATES), which every page of ours is drawn in
(docs/adr/024-one-template-language.md).

The components are Jinja2 macros in templates/components/nhsuk.jinja (our own small set, in the
markup of the pinned nhsuk-frontend, held to it by tests/test_design_system.py).

- Pages have them as ``nhsuk`` (a global of the environment, so a block drawn alone has them
  too): ``{{ nhsuk.tag("Updated today", "green") }}``; a component that wraps other markup takes
  it with ``{% call nhsuk.inset_text() %}<p>...</p>{% endcall %}``.
- The loops that must be fast (the lists of pages with speed targets: ADR 024) write components
  in when they compile, with ``{% component "tag", text=..., colour="green" %}``
  (``WrittenInComponent``).

This module knows no app.
"""

import contextlib
import copy
import datetime
import functools
import itertools
from functools import partial

from django.contrib.humanize.templatetags.humanize import intcomma
from django.middleware.csrf import get_token
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.backends import jinja2 as django_jinja2
from django.template.defaultfilters import capfirst, floatformat, linebreaks_filter, linebreaksbr, pluralize
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.template.defaultfilters import timesince_filter as timesince
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.html import format_html
from django_htmx.jinja import htmx_script
from jinja2 import Environment, nodes, pass_context
from jinja2.compiler import has_safe_repr
from jinja2.ext import Extension
from jinja2.visitor import NodeTransformer
from jinja2_fragments import render_block
from markupsafe import Markup, escape

COMPONENTS = "components/nhsuk.jinja"


def attributes(values: dict) -> Markup:
    """HTML attributes from a dict, escaped: ``True`` writes the name alone, ``None`` and ``False`` nothing."""
    return Markup(  # noqa: S704 - every name and value is escaped
        "".join(
            f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
            for name, value in values.items()
            if value is not None and value is not False
        )
    )


class WrittenInComponent(Extension):
    """``{% component "tag", text=card.freshness.sentence, colour="green" %}`` in a Jinja2
    template: the macro of templates/components/nhsuk.jinja written into the template
    when it is compiled, so a loop pays no macro call per item. For the loops that must
    be fast (25 result cards: about 3.5 ms through macro calls); the markup is still
    the component's, from its one place (docs/adr/009-html.md). A macro of another
    template is named "path:macro" (not the template being compiled)."""

    tags = {"component"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        name = parser.parse_expression()
        if not isinstance(name, nodes.Const):
            parser.fail("{% component %} needs the component's name as a string", lineno)
        given = {}
        while parser.stream.current.type != "block_end":
            parser.stream.skip_if("comma")
            key = parser.stream.expect("name").value
            parser.stream.expect("assign")
            given[key] = parser.parse_expression()
        library, _, macro_name = name.value.rpartition(":")
        macro = self._macros(library or COMPONENTS).get(macro_name)
        if macro is None:
            parser.fail(f"No component {macro_name!r} in {library or COMPONENTS} that can be written in", lineno)
        if unknown := set(given) - {arg.name for arg in macro.args}:
            parser.fail(f"Component {name.value!r} takes no {', '.join(sorted(unknown))}", lineno)
        first_default = len(macro.args) - len(macro.defaults)
        arguments = {}
        for index, arg in enumerate(macro.args):
            if arg.name in given:
                arguments[arg.name] = given[arg.name]
            elif index >= first_default:
                arguments[arg.name] = self._copy(macro.defaults[index - first_default])
            else:
                parser.fail(f"Component {name.value!r} needs {arg.name}", lineno)
        return _written_in(self._copy(macro.body), arguments, self.environment, lineno)

    def _copy(self, parsed):
        """A fresh copy of parsed nodes (they are written in afresh each time), sharing the environment."""
        return copy.deepcopy(parsed, {id(self.environment): self.environment})

    def _macros(self, library: str) -> dict:
        """The macros of a template that can be written in elsewhere: those that call none of their neighbours."""
        parsed = self.__dict__.setdefault("_parsed", {})
        if library not in parsed:
            source, _, _ = self.environment.loader.get_source(self.environment, library)
            found = {node.name: node for node in self.environment.parse(source).find_all(nodes.Macro)}
            parsed[library] = {
                name: macro
                for name, macro in found.items()
                if not {call.node.name for call in macro.find_all(nodes.Call) if isinstance(call.node, nodes.Name)}
                & set(found)
            }
        return parsed[library]


def _written_in(body: list, arguments: dict, environment: Environment, lineno: int) -> nodes.With:
    """A macro's body written in with its ``arguments`` (parsed expressions): each argument given
    as a constant (``colour="red"``, or a default) is written into the markup when the template
    compiles, the tests that then hold or fail always (``{% if colour %}``) keep only their branch,
    and a ``{% set %}`` block that is then all constant is one constant too, so a loop pays only
    for what varies; the other arguments are bound as the macro's would be. A written-in
    component has no ``caller``. It assumes the environment's autoescaping (ours escapes every
    template: Django's backend turns it on), as a ``{% set %}`` block made constant is markup."""
    stored = {name.name for node in body for name in node.find_all(nodes.Name) if name.ctx != "load"}
    known = {}
    for target, value in arguments.items():
        if target in stored:
            continue
        with contextlib.suppress(nodes.Impossible):
            constant = value.as_const(nodes.EvalContext(environment))
            if has_safe_repr(constant):  # what can be written into compiled code
                known[target] = constant
    while True:
        body = _Fold(known, environment).visit_list_of(body)
        found = _constant_assignments(body, known)
        if not found:
            break
        known |= found
    unbound = [name for name in arguments if name not in known]
    targets = [nodes.Name(name, "store", lineno=lineno) for name in unbound]
    return nodes.With(targets, [arguments[name] for name in unbound], body, lineno=lineno)


def _constant_assignments(body: list, known: dict) -> dict:
    """The names ``body`` sets once, to a constant, at its top level before any use."""
    found = {}
    for index, node in enumerate(body):
        if not (
            isinstance(node, nodes.Assign)
            and isinstance(node.target, nodes.Name)
            and isinstance(node.node, nodes.Const)
        ):
            continue
        name = node.target.name
        names = [[each for each in statement.find_all(nodes.Name) if each.name == name] for statement in body]
        stores = [each for each in itertools.chain.from_iterable(names) if each.ctx != "load"]
        used_before = any(names[:index])
        if name not in known and len(stores) == 1 and not used_before:
            found[name] = node.node.value  # a Const: its value can be written into compiled code
    return found


class _Fold(NodeTransformer):
    """Writes ``known`` names in as constants and keeps only the branch a constant test takes."""

    def __init__(self, known: dict, environment: Environment):
        self.known, self.environment = known, environment

    def visit_list_of(self, body: list) -> list:
        folded = []
        for node in body:
            node = self.visit(node)
            folded.extend(node if isinstance(node, list) else [] if node is None else [node])
        return folded

    def _constant(self, node):
        try:
            return nodes.Const.from_untrusted(
                node.as_const(nodes.EvalContext(self.environment)), lineno=node.lineno, environment=self.environment
            )
        except nodes.Impossible:  # not constant, or not a value compiled code can hold
            return node

    def visit_Name(self, node):
        # A block made constant (markup) is written in only where it is drawn (``visit_Output``):
        # in an expression Jinja's compiler would fold it as plain text (``s ~ "<b>"``), escaped
        # again when drawn. Elsewhere its name is read as the macro's would be (its {% set %} stays).
        if node.ctx == "load" and node.name in self.known and not isinstance(self.known[node.name], Markup):
            return nodes.Const(self.known[node.name], lineno=node.lineno)
        return node

    def visit_Output(self, node):
        node.nodes = [
            nodes.Const(self.known[child.name], lineno=child.lineno)
            if isinstance(child, nodes.Name) and child.ctx == "load" and child.name in self.known
            else self.visit(child)
            for child in node.nodes
        ]
        return node

    def visit_Test(self, node):
        if node.name == "defined" and isinstance(node.node, nodes.Name) and node.node.name == "caller":
            return nodes.Const(False, lineno=node.lineno)
        return self._constant(self.generic_visit(node))

    def generic_visit(self, node, *args, **kwargs):
        node = super().generic_visit(node, *args, **kwargs)
        return self._constant(node) if isinstance(node, nodes.Expr) and not isinstance(node, nodes.Const) else node

    def visit_If(self, node):
        if node.elif_:  # each elif the else of the one before, so that any of them can be kept alone
            first, *rest = node.elif_
            following = nodes.If(first.test, first.body, rest, node.else_, lineno=first.lineno)
            node = nodes.If(node.test, node.body, [], [following], lineno=node.lineno)
        node = self.generic_visit(node)
        if not isinstance(node.test, nodes.Const):
            return node
        return node.body if node.test.value else node.else_

    def visit_AssignBlock(self, node):
        node = self.generic_visit(node)
        if node.filter is not None or not all(isinstance(child, nodes.Output) for child in node.body):
            return node
        parts = [child for output in node.body for child in output.nodes]
        if not all(isinstance(part, nodes.TemplateData | nodes.Const) for part in parts):
            return node
        autoescape = nodes.EvalContext(self.environment).autoescape
        text = "".join(
            part.data if isinstance(part, nodes.TemplateData) else str(escape(part.value) if autoescape else part.value)
            for part in parts
        )
        return nodes.Assign(node.target, nodes.Const(Markup(text) if autoescape else text), lineno=node.lineno)  # noqa: S704 - escaped above


def _local(value):
    """An aware datetime in the portal's time zone, as Django templates show it."""
    return timezone.localtime(value) if isinstance(value, datetime.datetime) and timezone.is_aware(value) else value


# Django's date format characters our templates use, as Python formats them (English only:
# USE_I18N is off). Django's own filter reads its format anew for each date (about 10 µs; an
# inbox of 25 enquiries shows 75 dates); any other character, or an escaped one, goes to it.
_DATE_PARTS = {
    "j": lambda d: str(d.day), "d": lambda d: f"{d.day:02}", "D": lambda d: d.strftime("%a"),
    "l": lambda d: d.strftime("%A"), "M": lambda d: d.strftime("%b"), "F": lambda d: d.strftime("%B"),
    "n": lambda d: str(d.month), "m": lambda d: f"{d.month:02}", "Y": lambda d: str(d.year),
}  # fmt: skip
_TIME_PARTS = {
    "H": lambda d: f"{d.hour:02}", "G": lambda d: str(d.hour), "i": lambda d: f"{d.minute:02}",
    "s": lambda d: f"{d.second:02}",
}  # fmt: skip


@functools.cache
def _date_format(fmt: str, with_time: bool):
    """``fmt`` as a list of parts (text, or a function of the date), or None if Django must draw it."""
    parts = _DATE_PARTS | _TIME_PARTS if with_time else _DATE_PARTS
    made = []
    for character in fmt:
        if character in parts:
            made.append(parts[character])
        elif character.isalpha() or character == "\\":
            return None
        else:
            made.append(character)
    return made


def _date(value, fmt: str) -> str:
    """Django's ``date`` filter, for the portal's time zone."""
    value = _local(value)
    if isinstance(value, datetime.date) and (parts := _date_format(fmt, isinstance(value, datetime.datetime))):
        return "".join(part if isinstance(part, str) else part(value) for part in parts)
    return date_filter(value, fmt)


class _Components:
    """The components as a global, read again when their file changes (``auto_reload``, DEBUG)."""

    def __init__(self, env: Environment):
        self._env = env

    def __getattr__(self, name: str):
        return getattr(self._env.get_template(COMPONENTS).module, name)


def environment(**options) -> Environment:
    """The Jinja2 environment: Django's URLs, static files and number formatting, as the Django
    templates have; the components as ``nhsuk``; htmx's script tags (django-htmx's, with the
    page's CSP nonce)."""
    options["extensions"] = [*options.get("extensions", []), WrittenInComponent]
    env = Environment(**options)  # noqa: S701 - Django's Jinja2 backend passes autoescape=True
    env.globals.update(
        {
            "url": lambda name, *args: reverse(name, args=args),
            "static": static,
            "htmx_script": pass_context(lambda context: htmx_script(nonce=context.get("csp_nonce"))),
            "pagination": pagination,
        }
    )
    env.filters.update(
        {
            "intcomma": intcomma,
            "pluralize": pluralize,
            "capfirst": capfirst,
            "floatformat": floatformat,
            "timesince": timesince,
            "linebreaks": linebreaks_filter,  # what a home wrote, escaped, its lines kept (its public page)
            "linebreaksbr": linebreaksbr,
            "attributes": attributes,
            "date": _date,
            "time": lambda value, fmt: time_filter(_local(value), fmt),
        }
    )
    # Loaded once (a macro call looks it up in every loop), unless templates are reloaded.
    env.globals["nhsuk"] = _Components(env) if env.auto_reload else env.get_template(COMPONENTS).module
    return env


class _Block:
    """One block of a Jinja2 page, drawn alone with jinja2-fragments' ``render_block``: what
    Django's backend renders for "page.jinja#block" (the role ``{% partialdef %}`` has in
    Django's templates)."""

    def __init__(self, template, block: str):
        self.template, self.block = template, block
        self.name, self.filename = f"{template.name}#{block}", template.filename

    def render(self, context: dict) -> str:
        return render_block(self.template.environment, self.template.name, self.block, context)


def one_csrf_token(request) -> dict:
    """The page's CSRF token, made when first drawn and then kept. Django's Jinja2 backend gives
    ``csrf_token`` and ``csrf_input`` as values made afresh each time they are drawn: a new masked
    token (64 random characters) for every form, 20 on a page of Find home care's results (0.3 to
    0.6 ms of its htmx results' CPU on this machine). Django's templates make one a page, and so do
    ours; a page that draws none makes none (no CSRF cookie: the public pages stay cacheable)."""
    token = SimpleLazyObject(partial(get_token, request))
    field = SimpleLazyObject(lambda: format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))
    return {"csrf_token": token, "csrf_input": field}


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend for *.jinja names only (any other goes on to Django's templates:
    the pages not yet moved, Django admin's); "page.jinja#results" is the page's block
    "results" alone, with the same context (the request's context processors included, and
    one CSRF token a page)."""

    @cached_property
    def template_context_processors(self) -> list:
        return [*super().template_context_processors, one_csrf_token]  # run after the backend's own tokens

    def get_template(self, template_name: str):
        name, _, block = template_name.partition("#")
        if not name.endswith(".jinja"):
            raise TemplateDoesNotExist(template_name, backend=self)
        found = super().get_template(name)
        if block:
            if block not in found.template.blocks:  # not "does not exist": Django's templates would try it
                raise TemplateSyntaxError(f"{name} has no block {block!r}")
            found.template = _Block(found.template, block)
        return found


def macro(name: str, library: str = COMPONENTS):
    """A macro of a Jinja2 template (a component, by default)."""
    return getattr(engines["jinja2"].env.get_template(library).module, name)


@pass_context
def pagination(context, page, params=None) -> Markup:
    """Previous and next links for ``page``, keeping every other parameter of the
    request (a filtered list's page 2 keeps its filters). ``params``: the query to
    keep, for a page rendered without its request (the public pages): ``{{ pagination(page) }}``."""
    params = context["request"].GET if params is None else params

    def link(number: int) -> dict:
        query = params.copy()
        query["page"] = str(number)
        return {"href": f"?{query.urlencode()}", "label": f"Page {number} of {page.paginator.num_pages}"}

    previous = link(page.previous_page_number()) if page.has_previous() else None
    following = link(page.next_page_number()) if page.has_next() else None
    return macro("pagination")(previous, following)

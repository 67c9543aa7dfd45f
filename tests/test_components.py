"""The NHS.UK components (templates/components/nhsuk.jinja) as our pages call them: the global
``nhsuk`` of the Jinja2 environment, and ``pagination`` (tracker/components.py)."""

import datetime
import re

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.test import RequestFactory


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_a_component_escapes_what_it_is_given_and_keeps_what_is_safe():
    from django.utils.safestring import mark_safe

    html = render('{{ nhsuk.tag(words, colour="green") }}', words="<b>Fresh</b>")
    assert html == '<strong class="nhsuk-tag nhsuk-tag--green">&lt;b&gt;Fresh&lt;/b&gt;</strong>'
    html = render(
        '{{ nhsuk.button(html=words, variant="secondary", small=true) }}', words=mark_safe("Add <span>x</span>")
    )
    assert html == (
        '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" '
        'data-module="nhsuk-button">Add <span>x</span></button>'
    )


def test_a_component_wraps_what_it_is_called_with_and_takes_attributes():
    html = render(
        '{% call nhsuk.fieldset("Nursing", heading=true, attrs={"hx-post": url}) %}<p>{{ x }}</p>{% endcall %}',
        url="/check/?a=1&b=2",
        x="<i>",
    )
    assert 'hx-post="/check/?a=1&amp;b=2"' in html
    assert '<h2 class="nhsuk-fieldset__heading">Nursing</h2>' in html
    assert "<p>&lt;i&gt;</p>" in html


def test_a_table_marks_numeric_and_hidden_headings():
    html = render('{{ nhsuk.table("Beds", "Home|Beds#|~Actions") }}')
    assert '<th class="nhsuk-table__header" scope="col" role="columnheader">Home</th>' in html
    assert (
        '<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col" role="columnheader">Beds</th>' in html
    )
    assert '<span class="nhsuk-u-visually-hidden">Actions</span>' in html


def test_pagination_keeps_every_parameter_of_the_page():
    """Next and Previous keep the filters: the first one (often the postcode) was once lost to ``??``."""
    request = RequestFactory().get("/find-a-bed/", {"near": "LS6 2AD", "category": "nursing", "page": "2"})
    page = Paginator(range(100), 25).get_page(2)
    html = render("{{ pagination(page) }}", request=request, page=page)
    assert 'href="?near=LS6+2AD&amp;category=nursing&amp;page=3"' in html
    assert 'href="?near=LS6+2AD&amp;category=nursing&amp;page=1"' in html
    assert "??" not in html
    assert "Page 3 of 4" in html
    assert render("{{ pagination(page) }}", request=request, page=Paginator(range(5), 25).get_page(1)).strip() == ""


def test_pagination_keeps_the_query_it_is_given_without_a_request():
    """The public pages are drawn without their request: they hand the query to keep."""
    query = RequestFactory().get("/care-homes/", {"near": "LS6", "care": "nursing"}).GET
    html = render("{{ pagination(page, query) }}", page=Paginator(range(60), 25).get_page(1), query=query)
    assert 'href="?near=LS6&amp;care=nursing&amp;page=2"' in html


@pytest.mark.parametrize("fmt", ["l j F", "j M, H:i", "j F Y", "j M", "j M Y, H:i", "j M Y", r"H:i \o\n l j F",
                                 "j M H:i", "j F Y, H:i", "l j F Y", "j F", "F Y", "j M Y, H:i:s", "H:i, l j F",
                                 "D j M, H:i", "d/m/Y G:i", "n/y", "N jS", "", "P"])  # fmt: skip
def test_the_date_filter_says_what_djangos_says(fmt):
    """Our templates' ``date`` filter draws the formats they use itself (tracker/components.py);
    every one, and any it leaves to Django, reads exactly as Django's filter does, in the
    portal's time zone, across the clocks changing."""
    from django.template.defaultfilters import date as djangos
    from django.utils import timezone

    from tracker.components import _date

    utc = datetime.UTC
    values = [
        datetime.datetime(2026, 7, 1, 23, 30, 5, tzinfo=utc),  # 00:30 on the 2nd in London (BST)
        datetime.datetime(2026, 12, 5, 9, 4, tzinfo=utc),
        datetime.datetime(2026, 3, 29, 0, 59, tzinfo=utc),  # the minute before the clocks go forward
        datetime.date(2026, 1, 9),
        None,
        "",
    ]

    def outcome(draw, value):  # what it says, or what it refuses with (a time of a date alone)
        try:
            return draw(value, fmt)
        except TypeError as refused:
            return str(refused)

    for value in values:
        local = timezone.localtime(value) if isinstance(value, datetime.datetime) else value
        assert outcome(_date, value) == outcome(djangos, local), (value, fmt)


# --- components written in ({% component %}, tracker/components.py's WrittenInComponent) ------

WRITTEN_IN = [
    ('"tag", text=words, colour="red"', "nhsuk.tag(words, colour='red')"),
    ('"tag", text=words, colour=colour', "nhsuk.tag(words, colour=colour)"),
    ('"tag", text=words', "nhsuk.tag(words)"),
    (
        '"button", html=words, href="tel:" ~ number, small=true, classes="x"',
        "nhsuk.button(html=words, href='tel:' ~ number, small=true, classes='x')",
    ),
    (
        '"button", text=words, variant="secondary", attrs={"aria-pressed": "true"}',
        "nhsuk.button(text=words, variant='secondary', attrs={'aria-pressed': 'true'})",
    ),
    ('"button", text=words, name="go", value=number', "nhsuk.button(text=words, name='go', value=number)"),
    (
        '"card", html=words, heading=words, href="/a?b=1&c=2", level=3',
        "nhsuk.card(html=words, heading=words, href='/a?b=1&c=2', level=3)",
    ),
    ('"card", html=words', "nhsuk.card(html=words)"),
    (
        '"table_cell", text=words, heading="Beds", numeric=true',
        "nhsuk.table_cell(text=words, heading='Beds', numeric=true)",
    ),
    ('"table_cell", html=words, row_header=flag', "nhsuk.table_cell(html=words, row_header=flag)"),
    ('"table", caption="Homes", head="Home|Beds#|~Do"', "nhsuk.table('Homes', 'Home|Beds#|~Do')"),
    ('"notification_banner", heading="H", html=words, kind="error"', "nhsuk.notification_banner('H', words, 'error')"),
    ('"notification_banner", html=words, kind="success"', "nhsuk.notification_banner(html=words, kind='success')"),
    ('"notification_banner", html=words', "nhsuk.notification_banner(html=words)"),
    ('"notification_banner", html=words, kind=colour', "nhsuk.notification_banner(html=words, kind=colour)"),
]  # fmt: skip


@pytest.mark.parametrize(("written_in", "called"), WRITTEN_IN)
@pytest.mark.parametrize("flag", [True, False])
def test_a_written_in_component_draws_what_its_macro_draws(written_in, called, flag):
    """Constant arguments are written into the markup when the template compiles and the tests
    they decide are dropped: the markup must be the macro's, escaping included."""
    values = {"words": "<b>Beds & more</b>", "colour": "green" if flag else "", "number": "0113 496 0000", "flag": flag}
    assert render(f"{{% component {written_in} %}}", **values) == render(f"{{{{ {called} }}}}", **values)


def test_a_written_in_component_decides_its_constant_arguments_when_it_compiles():
    env = engines["jinja2"].env
    compiled = env.compile(
        env.parse('{% for w in words %}{% component "button", text=w, variant="secondary", small=true %}{% endfor %}'),
        raw=True,
    )
    assert "nhsuk-button nhsuk-button--secondary nhsuk-button--small" in compiled  # one string, made once
    assert not re.search(r"l_\d+_(variant|small|href|classes)\b", compiled), "constants bound and tested at run time"
    assert re.search(r"l_\d+_text\b", compiled)  # what varies is bound
    assert render(
        '{% for w in words %}{% component "button", text=w, variant="secondary", small=true %}{% endfor %}',
        words=["a", "<b>"],
    ) == (
        '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" '
        'data-module="nhsuk-button">a</button>'
        '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" '
        'data-module="nhsuk-button">&lt;b&gt;</button>'
    )


def test_a_written_in_component_has_no_caller_even_inside_a_call_block():
    """Written into a macro that was called with a block, a card still draws its ``html``, not
    the block of the macro around it."""
    html = render(
        '{% macro outer() %}{{ caller() }}{% component "card", html=words %}{% endmacro %}'
        "{% call outer() %}<p>the outer block</p>{% endcall %}",
        words="inside",
    )
    assert html.count("the outer block") == 1
    assert "inside" in html


def test_an_argument_the_component_sets_again_is_not_written_in():
    """The table sets ``head`` again (a string becomes its list): its uses after that read the list."""
    html = render('{% component "table", caption="Homes", head="Home|Beds#" %}')
    assert '<th class="nhsuk-table__header" scope="col" role="columnheader">Home</th>' in html
    assert "nhsuk-table__header--numeric" in html
    assert "Home|Beds" not in html


def test_folding_keeps_markup_markup_and_leaves_what_compiled_code_cannot_hold():
    """A block made constant stays markup when joined to text (Jinja's folding of ``~`` would
    join it as text, escaped again when drawn), and a constant that cannot be written into
    compiled code (a generator) is bound as the macro would bind it: each drawn as its call."""
    from jinja2 import DictLoader

    from tracker.components import environment

    library = (
        '{% macro joined(c="a&b") %}{% set s %}<i>{{ c }}</i>{% endset %}{{ s ~ "<b>" }}{% endmacro %}'
        "{% macro batched(xs=[1, 2, 3]) %}{% for row in xs | batch(2) %}{{ row }}{% endfor %}{% endmacro %}"
        '{% macro chosen(a="", b="x") %}{% if a %}A{% elif b %}B{% else %}C{% endif %}{% endmacro %}'
    )
    env = environment(loader=DictLoader({"lib.jinja": library}), autoescape=True)
    for name in ("joined", "batched", "chosen"):
        written_in = env.from_string(f'{{% component "lib.jinja:{name}" %}}').render()
        called = env.from_string(f'{{% import "lib.jinja" as lib %}}{{{{ lib.{name}() }}}}').render()
        assert written_in == called, name
    assert env.from_string('{% component "lib.jinja:joined" %}').render() == "<i>a&amp;b</i>&lt;b&gt;"

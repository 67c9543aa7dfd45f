"""The layers of the code, checked by reading every import (docs/adr/008-layout.md).

Lowest first. A module may import from its own layer and the layers below
it, never from a layer above: the project's helpers know no app, accounts
knows no care home code, homes knows nothing of vacancies, and nothing
imports the demo data builders. ``tracker/urls.py`` is the composition root
that puts every app's URLs together, so it alone may import the apps.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    "tracker",
    "registers",
    "accounts",
    "homes",
    "vacancies",
    "homecare",
    "enquiries",
    "returns",
    "api",
    "public",
    "demo",
]
COMPOSITION_ROOTS = {"tracker/urls.py"}


def imported_packages(path: Path) -> set[tuple[str, int]]:
    """Our top-level packages this file imports (at any depth: function-level imports count), with line numbers."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {(name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in LAYERS}
    return found


def modules():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in COMPOSITION_ROOTS:
                yield layer, relative


@pytest.mark.parametrize(("layer", "module"), list(modules()))
def test_no_module_imports_from_a_layer_above_it(layer, module):
    upward = sorted(
        f"line {line}: {package}"
        for package, line in imported_packages(ROOT / module)
        if LAYERS.index(package) > LAYERS.index(layer)
    )
    assert not upward, f"{module} ({layer}) imports from layers above it: {', '.join(upward)}"


def test_every_app_has_a_layer():
    """A new app must be given its place in the layers (and in INSTALLED_APPS' order)."""
    from django.conf import settings

    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert ours == [layer for layer in LAYERS if layer != "tracker"]


def test_the_check_would_catch_an_upward_import(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from vacancies.models import CareCategory\n")
    assert imported_packages(module) == {("vacancies", 2)}


# --- every other kind of reference ---------------------------------------------------------
# An app that names another app's URL, template, model or module in a string depends on it as
# surely as an import: the same layers hold for these.

TEMPLATES = ROOT / "templates"
# Templates of the project's own pages (base, header, errors, forms) are the lowest layer;
# accounts' pages live beside them; each app's pages in its folder.
ACCOUNTS_TEMPLATES = {"start.jinja", "about_data.jinja", "audit.jinja", "audit_table.jinja", "invitations", "teams",
                      "two_factor", "registration"}  # fmt: skip
SETTINGS_ROOTS = {"tracker/settings.py"}  # lists every app, their middleware and context processors
# The page's shell (the header's sign-in and account links, the footer's public pages): like
# tracker/urls.py, the one place that puts every app's pages together.
TEMPLATE_ROOTS = {"base.jinja", "includes/header.jinja", "includes/footer.jinja"}
URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url", "MenuEntry"}
URL_KEYWORDS = {"url_name", "count_url_name", "then", "viewname"}
MODEL_STRING = re.compile(r"^([a-z_]+)\.([A-Z][A-Za-z]+)$")  # "registers.CareHome", as in a ForeignKey
TEMPLATE_URL = re.compile(r"""\{%-?\s*url\s+['"]([\w:-]+)['"]|url\(\s*['"]([\w:-]+)['"]""")


def template_layer(path: Path) -> str:
    top = path.relative_to(TEMPLATES).parts[0]
    if top in LAYERS:
        return top
    return "accounts" if top in ACCOUNTS_TEMPLATES else "tracker"


def url_layers(patterns=None, layer="tracker", namespace="") -> dict[str, str]:
    """Every URL name, and the layer of the app whose URL module defines it."""
    from django.urls import URLResolver, get_resolver

    found = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            module = pattern.urlconf_name
            name = module if isinstance(module, str) else getattr(module, "__name__", "")
            inner_layer = name.split(".")[0] if name.split(".")[0] in LAYERS else layer
            if pattern.namespace == "api-v1":
                inner_layer = "api"
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found |= url_layers(pattern.url_patterns, inner_layer, inner)
        elif pattern.name:
            found[f"{namespace}{pattern.name}"] = layer
    return found


def references_in_python(path: Path, urls: dict[str, str]) -> set[tuple[str, str, int]]:
    """(layer, what, line) for each URL name, model string or dotted module path a file names."""
    found = set()
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        named = []
        if isinstance(node, ast.Call):
            function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if function in URL_CALLS:
                named += [arg for arg in node.args if isinstance(arg, ast.Constant)]
            named += [kw.value for kw in node.keywords if kw.arg in URL_KEYWORDS and isinstance(kw.value, ast.Constant)]
            for constant in named:
                if isinstance(constant.value, str) and constant.value in urls:
                    found.add((urls[constant.value], f"URL {constant.value}", constant.lineno))
            arguments = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
            if (
                function == "get_model" and len(arguments) == 2 and arguments[0] in LAYERS
            ):  # apps.get_model("homes", "CareHome")
                found.add((arguments[0], f"model {arguments[0]}.{arguments[1]}", node.lineno))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
            if ":" in text and text in urls:  # a namespaced URL name, wherever it is written
                found.add((urls[text], f"URL {text}", node.lineno))
            elif (match := MODEL_STRING.match(text)) and match.group(1) in LAYERS:
                found.add((match.group(1), f"model {text}", node.lineno))
            elif re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+", text) and text.split(".")[0] in LAYERS:
                found.add((text.split(".")[0], f"module {text}", node.lineno))
    return found


def references_in_template(path: Path, urls: dict[str, str]) -> set[tuple[str, str, int]]:
    found = set()
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for match in TEMPLATE_URL.finditer(line):
            name = match.group(1) or match.group(2)
            if name in urls:
                found.add((urls[name], f"URL {name}", number))
    return found


def upward(layer: str, references) -> list[str]:
    return sorted(f"line {line}: {what} ({other})" for other, what, line in references
                  if LAYERS.index(other) > LAYERS.index(layer))  # fmt: skip


def moved_models() -> dict[str, str]:
    """The models that moved to another app keeping their table (``homes_carehome``, now registers'),
    proxies included: the label they had (``homes.carehome``), and the app they are in now."""
    from django.apps import apps

    found = {}
    for model in apps.get_models():
        concrete = model._meta.concrete_model._meta
        old_app, _, table_model = concrete.db_table.partition("_")
        if old_app in LAYERS and old_app != concrete.app_label and table_model == concrete.model_name:
            found[f"{old_app}.{model._meta.model_name}"] = model._meta.app_label
    return found


def as_of_now(references, moved: dict[str, str]) -> set[tuple[str, str, int]]:
    """A migration is history: it names a model where it was when it was written
    (accounts 0001's ``homes.carehome``); it is judged by where that model is now."""
    return {(moved.get(what.split(" ", 1)[1].lower(), layer), what, line) for layer, what, line in references}


@pytest.fixture(scope="module")
def urls():
    return url_layers()


@pytest.mark.parametrize(("layer", "module"), list(modules()))
def test_no_module_names_a_url_model_or_module_of_a_layer_above_it(layer, module, urls):
    if module in SETTINGS_ROOTS:
        return
    references = references_in_python(ROOT / module, urls)
    if "/migrations/" in module:
        references = as_of_now(references, moved_models())
    found = upward(layer, references)
    assert not found, f"{module} ({layer}) names what belongs to layers above it: {', '.join(found)}"


@pytest.mark.parametrize("template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.*")))
def test_no_template_names_a_url_of_a_layer_above_it(template, urls):
    if template in TEMPLATE_ROOTS:
        return
    path = TEMPLATES / template
    layer = template_layer(path)
    found = upward(layer, references_in_template(path, urls))
    assert not found, f"templates/{template} ({layer}) links to layers above it: {', '.join(found)}"


def test_the_check_would_catch_an_upward_url_model_or_module(tmp_path, urls):
    module = tmp_path / "example.py"
    module.write_text(
        "from django.urls import reverse\n"
        "def f(request):\n"
        "    a = reverse('start')\n"  # accounts': fine from homes
        "    b = redirect('vacancies:my_homes')\n"
        "    c = ForeignKey('enquiries.Enquiry', on_delete=CASCADE)\n"
        "    d = apps.get_model('returns.MonthlyReturn')\n"
        "    e = 'public.tasks.refresh'\n"
        "    g = apps.get_model('api', 'ApiKey')\n"
    )
    assert upward("homes", references_in_python(module, urls)) == [
        "line 4: URL vacancies:my_homes (vacancies)", "line 5: model enquiries.Enquiry (enquiries)",
        "line 6: model returns.MonthlyReturn (returns)", "line 7: module public.tasks.refresh (public)",
        "line 8: model api.ApiKey (api)",
    ]  # fmt: skip
    # A migration naming a model by the app it has since left is judged by where it is now; one
    # that stayed above is caught.
    migration = tmp_path / "0001_initial.py"
    migration.write_text("a = ForeignKey(to='homes.carehome')\nb = ForeignKey(to='homes.carehomechange')\n")
    assert upward("accounts", as_of_now(references_in_python(migration, urls), moved_models())) == [
        "line 2: module homes.carehomechange (homes)"
    ]
    template = tmp_path / "example.html"
    template.write_text("<a href=\"{% url 'start' %}\">Home</a> <a href=\"{% url 'enquiries:inbox' %}\">Inbox</a>\n")
    assert upward("homes", references_in_template(template, urls)) == ["line 1: URL enquiries:inbox (enquiries)"]

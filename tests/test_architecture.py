"""The layers of the code, checked by reading every import (docs/adr/008-layout.md).

Lowest first. A module may import from its own layer and the layers below
it, never from a layer above: the project's helpers know no app, accounts
knows no care home code, homes knows nothing of vacancies, and nothing
imports the demo data builders. ``tracker/urls.py`` is the composition root
that puts every app's URLs together, so it alone may import the apps.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["tracker", "accounts", "homes", "vacancies", "enquiries", "returns", "api", "public", "demo"]
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

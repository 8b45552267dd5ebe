"""Nothing below views imports django.http, forms or templates (import-linter cannot forbid
sub-packages of an external package, so this rule is checked here on the source)."""

import ast
from pathlib import Path

CRM = Path(__file__).resolve().parents[2]
LOWER_LAYERS = ("services.py", "queries.py", "access.py", "models.py")
FORBIDDEN = ("django.http", "django.shortcuts", "django.template", "django.forms")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_lower_layers_do_not_import_the_web_layer():
    offenders = {
        str(path.relative_to(CRM)): sorted(name for name in _imports(path) if name.startswith(FORBIDDEN))
        for layer in LOWER_LAYERS
        for path in CRM.glob(f"*/{layer}")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
    assert len(offenders) >= 10

"""The package's layers, checked on every import statement (lazy ones included).

    shared  <  ruleset  <  engine  <  screening  <  reports  <  interop
            <  terminal, authoring, batch  <  commands  <  cli

``shared`` is what every stage uses (errors, words, files, the output guard); ``ruleset``
turns the rules folder into checked, compiled rules; ``engine`` runs them; ``screening``
(the flat modules at the top) turns answers into a result.

A module imports only from its own layer or a lower one, and the three front ends
(terminal, authoring, batch) never import each other: each stands on the core alone,
so one can change, or go, without touching the others.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "screener"
LAYERS = {"shared": 0, "ruleset": 1, "engine": 2, "screening": 3, "reports": 4, "interop": 5,
          "terminal": 6, "authoring": 6, "batch": 6, "commands": 7, "cli": 8}
TOP = {"screener.cli", "screener.__main__"}  # the entry points (the root package is
# screening: its lazy public API names screening functions only)
#: the flat modules every stage stands on
SHARED = {f"screener.{name}" for name in
          ("errors", "i18n", "spelling", "types", "files", "reading", "safety")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def group(module: str) -> str:
    if module in TOP:
        return "cli"
    if module in SHARED:
        return "shared"
    parts = module.split(".")
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "screening"


def imports(path: Path):
    """(line, imported module) for every ``from ... import`` in the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("screener"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("screener"):
                continue
            if node.module:
                yield node.lineno, target
            else:  # from . import a, b: each name is a module or a package attribute
                for alias in node.names:
                    name = f"{target}.{alias.name}"
                    is_module = (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists() or \
                        (PACKAGE.parent / name.replace(".", "/")).is_dir()
                    yield node.lineno, name if is_module else target


def test_every_import_points_to_the_same_or_a_lower_layer():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = group(module_name(path))
        for line, target in imports(path):
            to = group(target)
            upward = LAYERS[to] > LAYERS[source]
            sideways = to != source and LAYERS[to] == LAYERS[source] == LAYERS["terminal"]
            if upward or sideways:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} -> {to} "
                             f"({target})")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_layer_map_knows_every_sub_package():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"locale", "templates"} <= set(LAYERS), \
        "a new sub-package needs its place in LAYERS (and in the README's layout)"

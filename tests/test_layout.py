"""The package's layers, checked on every import statement (lazy ones included).

    shared  <  ruleset  <  engine  <  screening  <  reports  <  interop
            <  terminal, authoring, batch  <  commands  <  cli

``shared`` is what every stage uses (errors, words, files, the output guard); ``ruleset``
turns the rules folder into checked, compiled rules; ``engine`` runs them; ``screening``
(the flat modules at the top) turns answers into a result.

A module imports only from its own layer or a lower one, and the three front ends
(terminal, authoring, batch) never import each other: each stands on the core alone,
so one can change, or go, without touching the others.

No import circles at all, lazy imports included: a circle means neither module can be
understood, tested or moved without the other. Imports under ``if TYPE_CHECKING:`` are
left out of that check (they never run, so they cannot tie modules together at import
time; they are still held to the layers).
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


def is_module(name: str) -> bool:
    """Whether ``name`` (dotted) is a module or a package of the source tree."""
    path = PACKAGE.parent / name.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(path: Path, type_checking: bool = True):
    """(line, imported module) for every import of a screener module in the file, lazy
    ones inside functions included (``type_checking=False``: not those under ``if
    TYPE_CHECKING:``). ``from pkg import name`` imports the module ``pkg.name`` when
    there is one, else ``pkg`` (a package's ``__init__`` is the package module)."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    never_run: set[int] = set()
    if not type_checking:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                never_run.update(id(inner) for child in node.body for inner in ast.walk(child))
    for node in ast.walk(tree):
        if id(node) in never_run:
            continue
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
            if target.split(".")[0] != "screener":
                continue
            for alias in node.names:  # each name is a module or an attribute of target
                name = f"{target}.{alias.name}"
                yield node.lineno, name if is_module(name) else target


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


# --------------------------------------------------------------------------- circles

def import_graph() -> dict[str, set[str]]:
    """Module -> the screener modules it imports (every statement that can run)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(path) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        source = module_name(path)
        graph[source] = {target for _line, target in imports(path, type_checking=False)
                         if target in modules and target != source}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module, each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def _shortest_circle(graph: dict[str, set[str]], start: str, within: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside one component."""
    came_from: dict[str, str] = {}
    queue = [start]
    for node in queue:  # breadth first: the queue grows as it is read
        for target in sorted(graph[node] & within):
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1] + [start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in no circle")


def circles(graph: dict[str, set[str]]) -> list[str]:
    """Each import circle as ``a -> b -> c -> a``: per strongly connected component,
    the shortest circle through its first module, then through each module not yet
    named, until every module of the component is in one."""
    named = []
    for component in strongly_connected(graph):
        within, covered = set(component), set()
        for start in component:
            if start not in covered:
                circle = _shortest_circle(graph, start, within)
                covered.update(circle)
                named.append(" -> ".join(circle))
    return named


def test_the_package_has_no_import_circles():
    found = circles(import_graph())
    assert not found, "import circles (modules that import each other, maybe through " \
        "others):\n" + "\n".join(found)


def test_the_circle_finder_names_every_circle_and_nothing_else():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(),  # a -> b -> c -> a
             "e": {"f"}, "f": {"e", "g"}, "g": {"f"},  # two circles sharing f
             "h": {"i"}, "i": set()}  # a chain: no circle
    assert strongly_connected(graph) == [["a", "b", "c"], ["e", "f", "g"]]
    assert circles(graph) == ["a -> b -> c -> a", "e -> f -> e", "g -> f -> g"]
    assert circles({"x": {"y"}, "y": set()}) == []


def test_a_lazy_import_inside_a_function_closes_a_circle(tmp_path, monkeypatch):
    """The real graph-building code, on a scratch package: a lazy import back is a circle,
    one under ``if TYPE_CHECKING:`` is not."""
    root = tmp_path / "screener"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "low.py").write_text("from typing import TYPE_CHECKING\n"
                                 "if TYPE_CHECKING:\n    from .high import Thing\n")
    (root / "high.py").write_text("from . import low\n")
    monkeypatch.setitem(globals(), "PACKAGE", root)
    assert circles(import_graph()) == []
    (root / "low.py").write_text("def later():\n    from screener.high import Thing\n")
    assert circles(import_graph()) == ["screener.high -> screener.low -> screener.high"]


def test_every_folder_of_python_modules_is_a_regular_package():
    """setuptools' find_packages skips a folder without ``__init__.py``: a regular
    ``pip install .`` would leave that stage out (screener/ruleset/ once did)."""
    folders = {path.parent for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts}
    assert [str(f.relative_to(PACKAGE.parent)) for f in sorted(folders)
            if not (f / "__init__.py").exists()] == []

"""The package's shape: packages by role, each importing only the layers below it, no import cycles,
and nothing importing the CLI. The layers are read off the package folders, not a list of
modules."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "quotetrack"
# Bottom to top. Foundation modules (top-level .py files other than the entry points) may be used by
# every layer; a layer may import itself and the layers before it, never a later one.
LAYERS = ["rulebook", "extract", "tables", "compare", "pipeline", "evaluate", "report", "cli"]
ENTRY_POINTS = {"__init__", "__main__"}


def layer_of(module: str) -> str:
    """``quotetrack.extract.claims`` -> ``extract``; a foundation module -> its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, module_level_only: bool) -> set[str]:
    """The quotetrack modules ``path`` imports (``from quotetrack.x import y`` counts
    ``quotetrack.x`` and, when ``y`` is a module, ``quotetrack.x.y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if module_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("quotetrack")
        ):
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (REPO / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    REPO / Path(*candidate.split(".")) / "__init__.py"
                ).exists():
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("quotetrack"))
    return found


def package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_package_is_a_layer_and_every_module_belongs_to_one() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(LAYERS)
    foundation = {p.stem for p in PACKAGE.glob("*.py")} - ENTRY_POINTS
    assert foundation == {"errors", "models"}  # a new top-level module belongs in a layer


def test_layers_import_only_layers_below_them() -> None:
    problems = []
    for path in package_files():
        own = module_name(path)
        if own in (
            "quotetrack",
            "quotetrack.__main__",
        ):  # the entry points sit on top of everything
            continue
        own_layer = layer_of(own)
        if own_layer not in LAYERS:  # a foundation module imports no layer at all
            bad = {m for m in imports_of(path, False) if layer_of(m) in LAYERS}
            problems += [f"{own} (foundation) imports {m}" for m in sorted(bad)]
            continue
        for imported in sorted(imports_of(path, False)):
            layer = layer_of(imported)
            if layer in LAYERS and LAYERS.index(layer) > LAYERS.index(own_layer):
                problems.append(f"{own} ({own_layer}) imports the later layer {imported}")
    assert problems == []


def test_no_import_cycles() -> None:
    graph = {module_name(p): imports_of(p, True) for p in package_files()}
    # importing a package's module runs the package's __init__ first; that edge is not a cycle
    cycles = []

    def visit(node: str, stack: list[str], done: set[str]) -> None:
        for nxt in sorted(graph.get(node, set()) - {node}):
            if nxt in stack:
                cycle = stack[stack.index(nxt) :] + [nxt]
                if not all(
                    a.startswith(b + ".") or b.startswith(a + ".")
                    for a, b in zip(cycle, cycle[1:], strict=False)
                ):
                    cycles.append(" -> ".join(cycle))
            elif nxt not in done:
                visit(nxt, stack + [nxt], done)
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start], done)
    assert cycles == []


def test_nothing_outside_the_cli_imports_it() -> None:
    for path in package_files():
        own = module_name(path)
        if layer_of(own) == "cli" or own in ("quotetrack.__main__",):
            continue
        assert not any(layer_of(m) == "cli" for m in imports_of(path, False)), own

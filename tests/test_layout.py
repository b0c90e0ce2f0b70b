"""The package's shape: pipeline stages import only earlier stages, and nothing imports the CLI."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "quotetrack"
# Foundation modules any stage may use, then the stages in pipeline order, then orchestration.
FOUNDATION = {"errors", "models", "regex_cache", "rules", "keywords"}
ORDER = ["ingest", "segment", "scan", "mentions", "attribution", "numbers", "claim_rules", "quotes", "claims",
         "normalise", "compare", "export", "parallel", "pipeline", "evaluate_quotes", "evaluate_claims",
         "store", "report", "dask_engine", "cli", "cli_tracker", "__main__", "__init__"]
# the pool worker builds its Extractor inside a function; cli.py registers the tracker's commands
# (both modules are the CLI shell)
LAZY_BACK_IMPORTS = {("parallel", "pipeline"), ("cli", "cli_tracker")}


def stage(module: str) -> str:
    return module.split(".")[1] if module.startswith("quotetrack.") and module.count(".") >= 1 else module


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:  # module level only (imports inside functions are deliberate and lazy)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("quotetrack"):
            found.add(stage(node.module) if "." in node.module else node.names[0].name)
        elif isinstance(node, ast.Import):
            found.update(stage(a.name) for a in node.names if a.name.startswith("quotetrack."))
    return found


def test_every_module_is_placed_in_the_order() -> None:
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert modules - FOUNDATION - set(ORDER) == set()


def test_stages_import_only_earlier_stages() -> None:
    problems = []
    for path in list(PACKAGE.glob("*.py")) + list((PACKAGE / "compare").glob("*.py")):
        own = "compare" if path.parent.name == "compare" else path.stem
        for imported in top_level_imports(path) - FOUNDATION - {own}:
            if imported in ORDER and own in ORDER and ORDER.index(imported) > ORDER.index(own) \
                    and (own, imported) not in LAZY_BACK_IMPORTS:
                problems.append(f"{path.relative_to(REPO)} imports the later stage {imported}")
    assert problems == []


def test_nothing_imports_the_cli() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.stem in ("cli", "cli_tracker", "__main__"):
            continue
        assert "cli" not in top_level_imports(path), path

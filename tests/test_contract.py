"""The contract between rules and code (``quotetrack.rulebook.contract``).

Every name the code looks up in a rules file is declared, every declaration is used, and a rules
file without a declared name fails to load with one line naming the file and the name (never a
traceback in the middle of a run)."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

from quotetrack.errors import RulesError
from quotetrack.rulebook.contract import CONTRACT
from quotetrack.rulebook.ruleset import REFERENCE, default_rules_dir, load_ruleset

PACKAGE = REPO / "quotetrack"
PATTERN_LOOKUPS = {"pattern", "reverse_pattern"}  # rules.pattern("id")
LEXICON_LOOKUPS = {"lexicon_set"}  # rules.lexicon_set("name")
TEMPLATE_CALLS = {"compile", "literals"}  # rules.compile("... {NAME} ...")
ENGINES = {"re", "regex"}  # re.compile / regex.compile take no {NAME} references


# -- what the code looks up (read from the source) ----------------------------------------------
class Lookups(ast.NodeVisitor):
    """The names one module looks up by string: (kind, name, where); ``unresolved`` lists the
    lookups whose argument is not a string this reader can follow to its values."""

    def __init__(self, path: Path) -> None:
        self.label = str(path.relative_to(REPO)) if path.is_relative_to(REPO) else path.name
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.found: set[tuple[str, str]] = set()
        self.unresolved: list[str] = []
        self.constants = self._module_constants()
        self.scope: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.visit(self.tree)

    def _module_constants(self) -> dict[str, list[str]]:
        """Module-level names bound to a string or a tuple/list/set of strings."""
        out: dict[str, list[str]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                strings = _strings(node.value)
                for target in targets:
                    if isinstance(target, ast.Name) and strings is not None:
                        out[target.id] = strings
        return out

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scope.append(node)
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and node.args:
            first = node.args[0]
            if func.attr in PATTERN_LOOKUPS:
                self._record("pattern", first, node)
            elif func.attr in LEXICON_LOOKUPS:
                self._record("lexicon", first, node)
            elif func.attr == "get" and _is_lexicons(func.value):
                self._record("lexicon", first, node)
            elif func.attr in TEMPLATE_CALLS and not (
                isinstance(func.value, ast.Name) and func.value.id in ENGINES
            ):
                for text in self._texts(first, node):
                    self.found.update(("reference", name) for name in REFERENCE.findall(text))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if _is_lexicons(node.value) and isinstance(node.ctx, ast.Load):
            self._record("lexicon", node.slice, node)
        self.generic_visit(node)

    def _record(self, kind: str, arg: ast.expr, node: ast.AST) -> None:
        values = self._values(arg, node)
        if values is None:
            self.unresolved.append(f"{self.label}:{getattr(node, 'lineno', 0)}")
        else:
            self.found.update((kind, v) for v in values)

    def _texts(self, arg: ast.expr, node: ast.AST) -> list[str]:
        """The string constants a template argument is built from (names followed to values)."""
        texts: list[str] = []
        for part in ast.walk(arg):
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                texts.append(part.value)
            elif isinstance(part, ast.Name):
                texts.extend(self._local_strings(part.id, node) or [])
        return texts

    def _values(self, arg: ast.expr, node: ast.AST) -> list[str] | None:
        """The strings a lookup's argument can hold, or None when they cannot be read off."""
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return [arg.value]
        if not isinstance(arg, ast.Name) or not self.scope:
            return None
        function = self.scope[-1]
        params = [a.arg for a in function.args.args]
        if arg.id in params:  # a helper's parameter: the strings its callers pass
            return self._call_arguments(function.name, params.index(arg.id))
        loops = [
            n
            for n in ast.walk(function)
            if isinstance(n, ast.For | ast.comprehension)
            and isinstance(n.target, ast.Name)
            and n.target.id == arg.id
        ]
        if loops:  # for name in CONSTANT / in ("a", "b")
            values: list[str] = []
            for loop in loops:
                found = _strings(loop.iter)
                if found is None and isinstance(loop.iter, ast.Name):
                    found = self.constants.get(loop.iter.id)
                if found is None:
                    return None
                values += found
            return values
        return self._local_strings(arg.id, node)

    def _local_strings(self, name: str, node: ast.AST) -> list[str] | None:
        """Strings bound to ``name`` in the enclosing function (``a, b = "x", "y"`` too)."""
        if not self.scope:
            return self.constants.get(name)
        for n in ast.walk(self.scope[-1]):
            if not isinstance(n, ast.Assign):
                continue
            for target in n.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    return _strings(n.value)
                if isinstance(target, ast.Tuple) and isinstance(n.value, ast.Tuple):
                    for t, v in zip(target.elts, n.value.elts, strict=True):
                        if isinstance(t, ast.Name) and t.id == name:
                            return _strings(v)
        return self.constants.get(name)

    def _call_arguments(self, function: str, index: int) -> list[str] | None:
        values: list[str] = []
        for n in ast.walk(self.tree):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == function:
                arg = n.args[index] if index < len(n.args) else None
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    return None
                values.append(arg.value)
        return values


def _is_lexicons(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "lexicons"


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Tuple | ast.List | ast.Set) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("frozenset", "set", "tuple")
        and len(node.args) == 1
    ):
        return _strings(node.args[0])
    return None


def stage_modules() -> Iterator[Path]:
    """Every module that uses rules files (the rule engine itself defines the lookups)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name != "rulebook":
            yield path


def code_lookups() -> tuple[set[tuple[str, str]], list[str]]:
    found: set[tuple[str, str]] = set()
    unresolved: list[str] = []
    for path in stage_modules():
        lookups = Lookups(path)
        found |= lookups.found
        unresolved += lookups.unresolved
    return found, unresolved


def _declarations() -> list[tuple[str, str, str]]:
    return [
        (file_name, kind, name)
        for file_name, needs in CONTRACT.items()
        for kind, names in (
            ("pattern", needs.patterns),
            ("lexicon", needs.lexicons),
            ("reference", needs.references),
        )
        for name in names
    ]


def declared() -> set[tuple[str, str]]:
    """(kind, name) of every declaration, whatever the file."""
    return {(kind, name) for _, kind, name in _declarations()}


def test_every_lookup_by_name_in_the_code_is_declared() -> None:
    found, unresolved = code_lookups()
    assert unresolved == [], "lookups whose name the contract test cannot read"
    # a lexicon the code reads may also be one a template names ({counting_words})
    undeclared = sorted(
        (k, n)
        for k, n in found
        if (k, n) not in declared() and not (k == "lexicon" and ("reference", n) in declared())
    )
    assert undeclared == []
    assert len(found) >= 60  # the reader does find the lookups


def test_every_declaration_is_used_by_the_code() -> None:
    found, _ = code_lookups()
    stale = sorted(
        (k, n)
        for k, n in declared()
        if (k, n) not in found and not (k == "reference" and ("lexicon", n) in found)
    )
    assert stale == []


def test_the_reader_follows_helpers_loops_and_locals(tmp_path: Path) -> None:
    module = tmp_path / "stage.py"
    module.write_text(
        "KINDS = ('a_lex', 'b_lex')\n"
        "def build(rules):\n"
        "    def words(name):\n"
        "        return rules.lexicons.get(name, [])\n"
        "    words('c_lex')\n"
        "    before, after = '{X_PART} now', 'then'\n"
        "    rules.compile(before)\n"
        "    rules.pattern('p.id')\n"
        "    return [rules.lexicon_set(k) for k in KINDS]\n"
        "def opaque(rules, thing):\n"
        "    return rules.pattern(thing.name)\n",
        encoding="utf-8",
    )
    reader = Lookups(module)
    assert reader.found == {
        ("lexicon", "a_lex"),
        ("lexicon", "b_lex"),
        ("lexicon", "c_lex"),
        ("reference", "X_PART"),
        ("pattern", "p.id"),
    }
    assert len(reader.unresolved) == 1 and reader.unresolved[0].endswith(":11")


# -- a rules file without a declared name -------------------------------------------------------
def _rename(path: Path, kind: str, name: str) -> bool:
    """Rename pattern id / lexicon / part ``name`` in the TOML text of ``path``; False when the
    file does not define it itself (a lexicon its schema derives from a table, or a reference to
    a linked file)."""
    text = path.read_text(encoding="utf-8")
    raw = tomllib.loads(text)
    if kind == "pattern":
        line = re.compile(rf'^id = "{re.escape(name)}"$', re.M)
        assert len(line.findall(text)) == 1
        path.write_text(line.sub(f'id = "{name}-renamed"', text), encoding="utf-8")
        return True
    for table in ("lexicons", "parts"):
        if name in raw.get(table, {}):
            header = text.index(f"[{table}]\n")
            key = re.compile(rf"^{re.escape(name)}\s*=", re.M)
            where = key.search(text, header)
            assert where is not None
            renamed = text[: where.start()] + f"{name}_renamed =" + text[where.end() :]
            path.write_text(renamed, encoding="utf-8")
            return True
    return False


@pytest.mark.parametrize(("file_name", "kind", "name"), _declarations())
def test_a_renamed_declared_name_is_a_one_line_error(
    tmp_path: Path, file_name: str, kind: str, name: str
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    path = rules / file_name
    if not _rename(path, kind, name):
        # not in the file's own text: its schema derives it, or a linked file defines it
        loaded = load_ruleset(rules).files[file_name]
        links = [*getattr(loaded, "uses", []), *getattr(loaded, "imports", [])]
        owners = [loaded] + [load_ruleset(rules).files[link] for link in links]
        assert any(name in f.lexicons or name in f.parts for f in owners)
        return
    what = {"pattern": "pattern", "lexicon": "lexicon", "reference": "part or lexicon"}[kind]
    with pytest.raises(RulesError) as err:
        load_ruleset(rules)
    lines = err.value.message.splitlines()
    assert f"{path.resolve()} has no {what} {name!r}" in lines
    assert all(" has no " in line for line in lines)


def test_the_cli_says_which_name_is_missing_in_one_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    _rename(rules / "attribution.toml", "pattern", "dateline")
    article = tmp_path / "a.txt"
    article.write_text('"We are ready," Jane Doe said on Monday.\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for command in (["rules", "check"], ["quotes", str(article)]):
        done = subprocess.run(
            [sys.executable, "-m", "quotetrack", *command, "--rules", str(rules)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1
        error = done.stderr.splitlines()
        assert (
            error[0] == f"Error: {(rules / 'attribution.toml').resolve()} has no pattern 'dateline'"
        )
        assert len(error) == 2 and error[1].startswith("Hint: ")
        assert "Traceback" not in done.stderr

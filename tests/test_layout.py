"""The package's layout: imports flow one way (cli → render → features → answer → index → core), no cycles.

Read from the source with ``ast``, so every import counts: top-level, inside functions and under
``TYPE_CHECKING``. A function-level import may make a heavy library lazy, never dodge a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.seeds import ROOT

PACKAGE = ROOT / "qa"
# Lower layers never import higher ones; packages on one layer never import each other.
LAYERS: dict[str, int] = {
    "qa.__main__": 7,
    "qa.cli": 6,
    "qa.render": 5,
    "qa.evaluation": 4,
    "qa.briefing": 3,
    "qa.ingest": 3,
    "qa.answer": 2,
    "qa.index": 1,
}
CORE = 0  # qa/*.py: config, errors, files, types, text, prompts, jsonl, urls, openai_client
# Third-party libraries that only one module may import.
OWNERS = {
    "openai": {"qa.openai_client"},
    "chromadb": {"qa.index.vectors"},
    "trafilatura": {"qa.ingest.html"},
    "jinja2": {"qa.render.html"},
    "markupsafe": {"qa.render.html", "qa.render.highlight"},
}
# What `qa --help` must not pay for.
HEAVY = (
    *("chromadb", "openai", "onnxruntime", "onnx", "trafilatura", "langchain_text_splitters", "numpy"),
    "jinja2",
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _nodes(tree: ast.AST, run_time_only: bool) -> list[ast.AST]:
    if not run_time_only:
        return list(ast.walk(tree))
    out: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        out.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            todo.extend(node.orelse)  # the guarded body never runs
            continue
        todo.extend(ast.iter_child_nodes(node))
    return out


def _imports(path: Path, run_time_only: bool = False) -> set[str]:
    """Every module name this file imports (``from a import b`` counts as a.b when a.b is a module)."""
    names: set[str] = set()
    for node in _nodes(ast.parse(path.read_text(encoding="utf-8")), run_time_only):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: {i for i in _imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def _layer(module: str) -> tuple[int, str]:
    for prefix, rank in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            return rank, prefix
    return CORE, "qa"


def test_every_module_is_placed():
    # A package that is not in LAYERS would silently count as core.
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py" and name != "qa"}
    assert packages <= set(LAYERS), packages - set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_downward(module: str):
    rank, package = _layer(module)
    for target in sorted(GRAPH[module]):
        target_rank, target_package = _layer(target)
        assert target_rank < rank or target_package == package, (
            f"{module} imports {target}: upward or sideways"
        )


def test_no_import_cycles():
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_one_module_imports_each_heavy_client(library: str):
    # Type hints under TYPE_CHECKING may name the library's types: they never import it.
    importers = {
        name
        for name, path in MODULES.items()
        if any(i.split(".")[0] == library for i in _imports(path, run_time_only=True))
    }
    assert importers == OWNERS[library]


def test_the_cli_loads_no_heavy_library():
    code = f"import sys, qa.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

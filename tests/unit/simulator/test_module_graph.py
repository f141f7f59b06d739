"""The simulator's modules import each other as a DAG: no cycle, not even one hidden behind
``TYPE_CHECKING`` (operations and job lifecycles depend on ``SimContext``, not on ``Simulator``)."""

from __future__ import annotations

import ast
from pathlib import Path

import drs_simulator
from drs_orchestration.domain.graph import find_cycles

PACKAGE = drs_simulator.__name__
ROOT = Path(drs_simulator.__file__).parent


def _imported_modules(module: str, tree: ast.Module, known: set[str]) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its source (``TYPE_CHECKING`` included)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.removeprefix(f"{PACKAGE}.") for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module is not None and not node.module.startswith(PACKAGE):
                continue
            if node.level > 1:
                raise AssertionError(f"{module}: relative import beyond the package")
            base = (node.module or "").removeprefix(PACKAGE).lstrip(".")
            if base:
                found.add(base.split(".")[0])
            else:  # ``from . import x``: x is a module of the package
                found |= {alias.name for alias in node.names}
    return (found & known) - {module}


def _import_graph(root: Path) -> dict[str, list[str]]:
    files = {path.stem: path for path in sorted(root.glob("*.py")) if path.stem != "__init__"}
    known = set(files)
    return {
        module: sorted(_imported_modules(module, ast.parse(path.read_text()), known))
        for module, path in files.items()
    }


def test_the_simulator_modules_import_each_other_without_a_cycle() -> None:
    graph = _import_graph(ROOT)

    # the scan sees the package's imports, or the check below proves nothing
    assert "operations" in graph["simulator"]
    assert {"context", "lifecycle"} <= set(graph["operations"])

    assert find_cycles(list(graph), graph) == []


def test_the_scan_finds_a_cycle_hidden_behind_type_checking_when_there_is_one(tmp_path: Path) -> None:
    (tmp_path / "simulator.py").write_text("from . import operations\n")
    (tmp_path / "operations.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .simulator import Simulator\n"
    )
    (tmp_path / "records.py").write_text(f"from {PACKAGE}.operations import handle\n")

    graph = _import_graph(tmp_path)

    assert graph == {"operations": ["simulator"], "records": ["operations"], "simulator": ["operations"]}
    assert find_cycles(list(graph), graph) == [["operations", "simulator", "operations"]]

"""The arrows point down (docs/architecture.md): each module imports only lower layers.

The core never imports an edge, the shell, jobs or the face; an edge never imports
another edge (a backend's own helper modules are part of that edge).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = {"model", "errors"}
CORE = {"sources", "schema", "cells", "tables", "parse", "rules", "graph", "impact",
        "reminders", "report", "report_facts", "timeline", "render", "phrases", "i18n",
        "texts", "writeplan", "history", "due", "blueprint", "blueprint_notes",
        "example_project", "mime"}
EDGES = {"backends", "mail", "ledger", "config"}
SHELL = {"pipeline", "delivery", "runner", "alerts", "doctor", "workbooks", "views"}
FACE = {"cli", "service", "demo", "__main__", "__init__"}
RANK = {**{m: 0 for m in BASE}, **{m: 1 for m in CORE}, **{m: 2 for m in EDGES},
        **{m: 3 for m in SHELL}, "jobs": 4, **{m: 5 for m in FACE}}


def _unit(module: str) -> str:
    """``sheetsync.backends.xlsx`` -> ``backends``; ``jobs.check`` -> ``jobs``."""
    parts = module.split(".")
    if parts[0] == "jobs":
        return "jobs"
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "sheetsync":
                found |= {f"sheetsync.{a.name}" for a in node.names}
            elif node.module.startswith(("sheetsync.", "jobs")):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith(("sheetsync.", "jobs"))}
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted((ROOT / "sheetsync").rglob("*.py")) + sorted((ROOT / "jobs").glob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        out.append((".".join(rel.parts), path))
    return out


def test_every_module_has_a_layer() -> None:
    assert {_unit(m) for m, _ in _modules()} <= set(RANK)


def test_imports_point_down_and_edges_do_not_import_each_other() -> None:
    wrong = []
    for module, path in _modules():
        mine = _unit(module)
        for target in _imports(path):
            theirs = _unit(target)
            if theirs == mine or theirs not in RANK:
                continue
            if RANK[theirs] > RANK[mine] or (RANK[mine] == RANK[theirs] == RANK["mail"]):
                wrong.append(f"{module} imports {target}")
    assert wrong == []

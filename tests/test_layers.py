"""The arrows point down (docs/architecture.md): each package imports only lower layers.

The folders are the layers. The core never imports an edge, the shell, jobs or a face; an
edge never imports another edge. The test knows folders, not files: a new module in
``sheetsync/core/`` is held to the core's arrows without anyone listing it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The arrows between folders (docs/architecture.md). A package may import its own modules,
# any package of a lower rank, and nothing else; the edges (rank 4) never import each other.
RANK = {
    # base: frozen dataclasses (model, owned, mailboxes), one exception hierarchy
    "model": 0, "errors": 0, "owned": 0, "mailboxes": 0,
    "lang": 1,                          # the words of each language
    "core": 2,                          # the pure rules
    "render": 3, "blueprint": 3,        # pure: the emails, the template workbooks
    "backends": 4, "mail": 4, "host": 4,  # edges: sheets, mail, settings and state dir
    "shell": 5,                         # one project's flows, the outside handed in
    "jobs": 6,                          # what runs when
    "cli": 7, "api": 7, "__main__": 7, "__init__": 7,  # the faces
}
EDGE = 4


def _unit(module: str) -> str:
    """``sheetsync.backends.xlsx`` -> ``backends``; ``sheetsync.model`` -> ``model``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "sheetsync":
                found |= {f"sheetsync.{a.name}" for a in node.names}
            elif node.module.startswith("sheetsync."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sheetsync.")}
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted((ROOT / "sheetsync").rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        out.append((".".join(rel.parts), path))
    for path in sorted((ROOT / "jobs").glob("*.py")):  # installed as sheetsync.jobs
        out.append((f"sheetsync.jobs.{path.stem}", path))
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
            if RANK[theirs] > RANK[mine] or (RANK[mine] == RANK[theirs] == EDGE):
                wrong.append(f"{module} imports {target}")
    assert wrong == []

"""What ``doctor`` finds (``Finding``), and which of sheetsync's tabs a workbook has. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sheetsync.core import schema


@dataclass(frozen=True)
class Finding:
    """One thing ``doctor`` checked: OK, or what is wrong and how to fix it."""

    ok: bool
    text: str
    detail: str = ""  # what a library said; shown only with --debug

    def line(self, debug: bool = False) -> str:
        shown = f"{'OK ' if self.ok else 'FIX'}  {self.text}"
        return f"{shown}\n     details: {self.detail}" if debug and self.detail else shown


OPTIONAL_TABS = (schema.UPDATES, schema.CHANGES)


def tab_findings(source: str, titles: Iterable[str]) -> list[Finding]:
    """Which of sheetsync's tabs a workbook has: Project and Milestones are required."""
    found: dict[str, list[str]] = {}
    for title in titles:
        canonical = schema.canonical_tab(title)
        if canonical:
            found.setdefault(canonical, []).append(title)
    named = [tab if found[tab][0] == tab else f"{tab} ({found[tab][0]!r})"
             for tab in schema.TABS if tab in found]
    out = [Finding(True, f"{source}: tabs found: {', '.join(named)}.")] if named else []
    later = [tab for tab in schema.JOB_OWNED_TABS
             if tab not in found and tab not in schema.LATER_TABS]
    if later:
        listed = ", ".join(later[:-1]) + " and " + later[-1] if len(later) > 1 else later[0]
        out.append(Finding(True, f"{source}: {listed} missing; sheetsync creates "
                                 f"{'them' if len(later) > 1 else 'it'} on its first write."))
    for tab in schema.TABS:
        names = found.get(tab, [])
        if len(names) > 1:
            out.append(Finding(False, f"{source}: tabs {', '.join(map(repr, names))} all count "
                                      f"as {tab}; keep one and rename the others."))
        elif not names and tab not in OPTIONAL_TABS + schema.JOB_OWNED_TABS:
            out.append(Finding(False, f"{source}: there is no {tab} tab; add one (sheetsync "
                                      "init NEW.xlsx shows its layout)."))
    return out

"""``sheetsync doctor``: each service-account key, the projects that use it, its headroom.

For every key file of the config (``credentials``, one or several): its account's email (or
one sentence saying why the file cannot be loaded), how many of the projects use it (with
one key, every Google Sheet; with several, the choice ``run`` and ``doctor`` remembered in
``<state dir>/keys/``), and ``core.quota``'s estimate at the current schedule: Sheets
requests a day, the busiest run, and how many more projects the key takes. The projects'
settings are those ``run`` remembered (``host.facts``); a project not read by ``run`` yet
counts with the defaults. Keys no project uses yet are listed too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sheetsync.core import quota, sources
from sheetsync.core.findings import Finding
from sheetsync.errors import ConfigError
from sheetsync.host.config import Config
from sheetsync.host.facts import Facts
from sheetsync.host.keychoice import KeyChoices
from sheetsync.model import Settings
from sheetsync.shell.summaries import count


@dataclass(frozen=True)
class KeyUse:
    """One key file: its account (or why it cannot be loaded), its projects, its load."""

    key_file: str
    email: str
    problem: str
    sources: tuple[str, ...]
    load: quota.Load
    defaults: int  # projects counted with the default settings (not read by run yet)


def key_uses(cfg: Config, todo: Sequence[str], now: datetime) -> tuple[list[KeyUse], list[str]]:
    """Every key with its projects and load, and the Google sources no key is known for."""
    from sheetsync.backends.gsheets_http import load_credentials

    google = [s for s in todo if _google_id(s)]
    accounts: dict[str, str] = {}
    problems: dict[str, str] = {}
    for key in cfg.keys:
        try:
            accounts[key] = str(load_credentials(Path(key)).service_account_email)
        except ConfigError as err:
            problems[key] = str(err)
    owner: dict[str, str] = {}  # source -> key file
    if len(cfg.keys) == 1:
        owner = dict.fromkeys(google, cfg.keys[0])
    else:
        chosen = KeyChoices(cfg.state_dir).chosen()
        by_email = {email: key for key, email in reversed(accounts.items())}
        for source in google:
            found = by_email.get(chosen.get(_google_id(source), ""))
            if found is not None:
                owner[source] = found
    facts = Facts(cfg.state_dir)
    uses = []
    for key in cfg.keys:
        mine = tuple(s for s in google if owner.get(s) == key)
        known = [facts.get(s) for s in mine]
        settings = [k.settings if k is not None else Settings(s) for s, k in zip(mine, known,
                                                                             strict=True)]
        load = quota.estimate(settings, start=now.date(), every_minutes=cfg.every_minutes,
                              skip_unchanged=cfg.skip_unchanged)
        uses.append(KeyUse(key, accounts.get(key, ""), problems.get(key, ""), mine, load,
                           sum(1 for k in known if k is None)))
    return uses, [s for s in google if s not in owner]


def _google_id(source: str) -> str:
    return sources.google_id(source) or ""


def shown(cfg: Config, todo: Sequence[str], now: datetime) -> tuple[list[KeyUse], list[str]]:
    """The keys ``doctor`` speaks of: none when there is one key and no Google Sheet, or one
    key that cannot be loaded (the key file's own line says why)."""
    uses, unmatched = key_uses(cfg, todo, now)
    if len(uses) == 1 and (not uses[0].sources or uses[0].problem):
        return [], []
    return uses, unmatched


def check_keys(uses: Sequence[KeyUse], unmatched: Sequence[str], cfg: Config) -> list[Finding]:
    """One line a key file, and one for the Google Sheets no key is known for."""
    out = [_line(use, cfg) for use in uses]
    if unmatched:
        out.append(Finding(True, f"Keys: {count(len(unmatched), 'Google Sheet')} not matched to "
                                 "a key yet (none of the keys opened it); see the lines above."))
    return out


def key_json(use: KeyUse) -> dict[str, Any]:
    """One key of ``doctor --json``."""
    load = use.load
    busiest = None if load.busiest_at is None else {
        "at": load.busiest_at.isoformat(), "reads": load.busiest_reads,
        "writes": load.busiest_writes, "minutes": round(load.busiest_minutes, 1)}
    return {"key_file": use.key_file, "email": use.email, "problem": use.problem,
            "projects": load.projects, "sources": list(use.sources),
            "reads_a_day": round(load.reads_a_day, 1),
            "writes_a_day": round(load.writes_a_day, 1), "busiest_run": busiest,
            "room": load.room, "default_settings": use.defaults}


def _line(use: KeyUse, cfg: Config) -> Finding:
    if use.problem:
        return Finding(False, f"Key {use.key_file}: {use.problem}")
    head = f"Key {use.key_file} ({use.email})"
    load = use.load
    if not use.sources:
        return Finding(True, f"{head}: no project uses it yet; room for about {load.room:,} "
                             "projects at the current schedule.")
    every = cfg.every_minutes
    assert load.busiest_at is not None
    said = (f"{head}: {count(load.projects, 'project')}; about {load.requests_a_day:,.0f} "
            f"Sheets requests a day ({load.reads_a_day:,.0f} reads, {load.writes_a_day:,.0f} "
            f"writes); busiest run {load.busiest_at:%a %H:%M} UTC with "
            f"{count(load.busiest_reads, 'read')} and {count(load.busiest_writes, 'write')}, "
            f"{load.busiest_minutes:,.1f} min at {quota.PER_MINUTE} a minute (runs every "
            f"{every} min); room for about {load.room:,} more projects")
    if use.defaults:
        said += f" ({use.defaults} not read by run yet, counted with the default settings)"
    per_day = quota.PER_MINUTE * quota.DAY_MINUTES
    if max(load.reads_a_day, load.writes_a_day) > per_day:
        return Finding(False, f"{said}: more than Google's {per_day:,} a day; move projects to "
                              "another key (share their sheets with it; docs/admin.md).")
    if load.busiest_minutes > every:
        return Finding(True, f"{said}. Its busiest run outlasts the {every}-minute interval: "
                             "the last projects of that run go in the next runs (late, never "
                             "lost); add a key to keep up (docs/admin.md).")
    return Finding(True, said + ".")

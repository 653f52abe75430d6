"""One catalog per language: complete, checked when loaded, the only home of words."""

from __future__ import annotations

import copy
import re
import string
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sheetsync.lang import catalog
from sheetsync.lang.catalog import CatalogError

LANG_DIR = Path(catalog.__file__).parent
SOURCE = Path(catalog.__file__).parents[1]


def data(code: str) -> dict[str, Any]:
    return tomllib.loads((LANG_DIR / f"{code}.toml").read_text(encoding="utf-8"))


def test_every_catalog_has_exactly_the_keys_of_english() -> None:
    english = catalog.keys_of(data("en"))
    assert len(english) > 300
    assert set(catalog.LANGUAGES) == {p.stem for p in LANG_DIR.glob("*.toml")}
    assert catalog.LANGUAGES[0] == "en"
    for code in catalog.LANGUAGES:
        assert catalog.keys_of(data(code)) == english, code


@pytest.mark.parametrize("key", ["words.subject", "problems.not_a_date.fix", "columns.Log.time",
                                 "values.status.DONE", "sheet.flag_blocked", "names"])
def test_a_catalog_missing_a_key_fails_loudly_naming_it(key: str) -> None:
    broken = copy.deepcopy(data("zh"))
    *path, last = key.split(".")
    table = broken
    for step in path:
        table = table[step]
    del table[last]
    with pytest.raises(CatalogError, match=re.escape(key)):
        catalog.register("zh", broken)
    assert catalog.get("zh").data["words"]["subject"]  # the good catalog stays registered


def test_a_catalog_with_a_key_english_lacks_fails_naming_it() -> None:
    broken = copy.deepcopy(data("zh"))
    broken["words"]["subjekt"] = "typo"
    with pytest.raises(CatalogError, match="words.subjekt"):
        catalog.register("zh", broken)


def test_a_new_language_is_one_file(tmp_path: Path) -> None:
    """What the module docstring promises: a copy of en.toml with its own code is a whole
    catalog (at startup, ``_load_all`` registers every lang/*.toml this way)."""
    french = copy.deepcopy(data("en"))
    french["code"] = "fr"
    french["words"]["title"] = "Rapport hebdomadaire"
    try:
        cat = catalog.register("fr", french)
        assert catalog.get("fr") is cat and cat("title") == "Rapport hebdomadaire"
    finally:
        catalog.CATALOGS.pop("fr", None)
    assert catalog.get("fr").language == "en"


def fields(pattern: object) -> set[str]:
    if not isinstance(pattern, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(pattern) if name}


@pytest.mark.parametrize("code", [c for c in catalog.LANGUAGES if c != "en"])
def test_translations_fill_the_same_facts(code: str) -> None:
    """A translation may leave a fact out, never use one English is not given; a ``_one``
    form is given its plural's facts too (Chinese says "{n} 项" either way)."""
    en, other = data("en"), data(code)

    def walk(a: dict[str, Any], b: dict[str, Any], at: str) -> None:
        for key, value in a.items():
            if isinstance(value, dict):
                walk(value, b[key], f"{at}{key}.")
            else:
                given = fields(value) | fields(a.get(key.removesuffix("_one")))
                assert fields(b[key]) <= given, f"{at}{key}"

    walk(en, other, "")


def test_no_module_branches_on_a_language() -> None:
    """The words of a language live in its catalog only: no code asks which language it is."""
    hits = [f"{p.relative_to(SOURCE)}: {line.strip()}"
            for p in sorted(SOURCE.rglob("*.py"))
            for line in p.read_text(encoding="utf-8").splitlines()
            if re.search(r"""==\s*["']zh["']|\bzh\s*=\s*language""", line)]
    hits += [f"{p.name}: {line.strip()}" for p in sorted(SOURCE.rglob("*.j2"))
             for line in p.read_text(encoding="utf-8").splitlines() if "zh" in line]
    assert hits == []

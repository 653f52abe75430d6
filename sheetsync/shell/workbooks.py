"""The workbooks sheetsync hands out: the blank templates and the Acme example project.

``python -m sheetsync.shell.workbooks OUTDIR`` (``make templates``) regenerates
``OUTDIR/sheetsync-template-<language>.xlsx`` for each catalog language (en, zh) and
``examples/acme-rollout.xlsx``; the files are committed, and regenerating them from an
unchanged schema gives the same bytes. ``init_xlsx`` is what ``sheetsync init PATH`` calls
to start a new project workbook.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sheetsync.backends.source_kinds import create_xlsx
from sheetsync.backends.xlsx_template import write_template
from sheetsync.blueprint import layout as blueprint
from sheetsync.core import cells, schema
from sheetsync.core.cells import Bad
from sheetsync.errors import ConfigError, SheetsyncError
from sheetsync.lang import catalog

EXAMPLE_NAME = "acme-rollout.xlsx"


def template_name(language: str) -> str:
    return f"sheetsync-template-{language}.xlsx"


def language_code(name: str) -> str:
    """The code of a catalog language (``en``, ``zh``) from any of its names (``English``,
    ``中文``...), as ``init --language`` takes it; any other name is a ``ConfigError``."""
    found = cells.parse_word(name, schema.LANGUAGES)
    if found is None or isinstance(found, Bad):
        raise ConfigError(f"{name!r} is not a language sheetsync writes; use "
                          f"{' or '.join(catalog.LANGUAGES)}.")
    return found


def init_xlsx(path: str | os.PathLike[str], language: str = "en") -> Path:
    """Create a new project workbook from the template; an existing file is never touched."""
    return create_xlsx(path, blueprint.template(language_code(language)))


def generate(outdir: str | os.PathLike[str],
             examples: str | os.PathLike[str] = "examples") -> tuple[Path, ...]:
    """Write (replacing) each language's template into ``outdir``, the example into
    ``examples``."""
    out, ex = Path(outdir), Path(examples)
    out.mkdir(parents=True, exist_ok=True)
    ex.mkdir(parents=True, exist_ok=True)
    written = [write_template(out / template_name(lang), blueprint.template(lang), replace=True)
               for lang in catalog.LANGUAGES]
    written.append(write_template(ex / EXAMPLE_NAME, blueprint.example_project(), replace=True))
    return tuple(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sheetsync.shell.workbooks",
        description="Regenerate the sheetsync template workbooks and the example project.")
    parser.add_argument("outdir", help="folder for the templates, e.g. sheet_templates")
    parser.add_argument("--examples", default="examples", metavar="DIR",
                        help="folder for the example project (default: examples)")
    args = parser.parse_args(argv)
    try:
        for path in generate(args.outdir, args.examples):
            print(f"wrote {path}")
    except (SheetsyncError, OSError) as exc:
        print(f"sheetsync: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

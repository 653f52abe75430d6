"""``pip install .`` builds quietly and installs every file the package reads.

A real, non-editable build of the wheel (pip, build isolation, setuptools as
``pyproject.toml`` asks) with the build backend's output shown (``-v``): setuptools must not
warn (it once printed 40 lines of "Package 'sheetsync.templates' is absent from the
``packages`` configuration" because data folders were not declared), and the wheel must
hold every file of the source package: the email templates, the language catalogs,
``py.typed``, the job modules (as ``sheetsync.jobs``: installed, ``import jobs`` finds
nothing). A new data file that ``pyproject.toml`` does not declare
fails here rather than on an admin's server.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lines of setuptools' own complaints (its warnings are framed by lines of "!!").
SETUPTOOLS_WARNING = re.compile(r"SetuptoolsDeprecationWarning|_Warning|is absent from the|!!\s*$"
                                r"|Package would be ignored|warnings\.warn")


def _source_files() -> set[str]:
    """Every file the installed package must hold, as its path inside the wheel."""
    out = set()
    for path in (ROOT / "sheetsync").rglob("*"):
        rel = path.relative_to(ROOT)
        if rel.parts[1] == "jobs" or "__pycache__" in rel.parts or path.is_dir():
            continue
        out.add(rel.as_posix())
    out |= {f"sheetsync/jobs/{p.name}" for p in (ROOT / "jobs").glob("*.py")}
    return out


def test_a_real_install_builds_without_setuptools_warnings(tmp_path: Path) -> None:
    # A clean copy, as a fresh clone has it: a build/ or egg-info left by an earlier build
    # would hand setuptools files the configuration does not declare.
    clone = tmp_path / "clone"
    shutil.copytree(ROOT, clone, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", "tests",
        "examples", "sheet_templates", "docs", "benchmarks"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v",
                           "--wheel-dir", str(tmp_path), str(clone)],
                          capture_output=True, text=True, check=False, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    noise = [line for line in output.splitlines() if SETUPTOOLS_WARNING.search(line)]
    assert not noise, "\n".join(noise[:40])
    (wheel,) = tmp_path.glob("sheetsync-*.whl")
    held = set(zipfile.ZipFile(wheel).namelist())
    missing = sorted(_source_files() - held)
    assert not missing, f"not in the wheel: {missing}"
    assert any(n.endswith(".j2") for n in held) and "sheetsync/lang/en.toml" in held
    assert not any(n.startswith("jobs/") for n in held), "jobs/ must install as sheetsync.jobs"

    # Installed (not from the source tree): the jobs are sheetsync.jobs, and no top-level
    # package named "jobs" lands in site-packages for another project to collide with.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True)
    probe = ("import importlib.util as u; print(u.find_spec('jobs') is None, "
             "u.find_spec('sheetsync.jobs.registry') is not None)")
    found = subprocess.run([str(python), "-c", probe], cwd=tmp_path, capture_output=True,
                           text=True, check=True)
    assert found.stdout.split() == ["True", "True"], found.stdout + found.stderr

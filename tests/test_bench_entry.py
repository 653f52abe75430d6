"""``make bench`` runs every benchmark as ``module.main()``: each must take no argument."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import benchmarks


def test_every_benchmark_main_runs_without_arguments() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__)
                   if m.name.startswith("bench_"))
    assert names
    for name in names:
        main = importlib.import_module(f"benchmarks.{name}").main
        required = [p.name for p in inspect.signature(main).parameters.values()
                    if p.default is inspect.Parameter.empty
                    and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        assert not required, f"benchmarks.{name}.main needs {required}: make bench calls main()"

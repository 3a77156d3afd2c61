"""Run every benchmark module (``bench_*.py``) in turn, or those named: ``python -m tests.bench report``."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def main() -> int:
    """Run the benchmarks; a failing one is reported and the rest still run."""
    import tests.bench as pkg

    wanted = set(sys.argv[1:])
    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if m.name.startswith("bench_"))
    failed = 0
    for name in names:
        if wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"tests.bench.{name}").main()
        except Exception as exc:  # a benchmark that breaks must not hide the others' figures
            failed += 1
            print(f"!!! {name} failed: {type(exc).__name__}: {exc}", flush=True)
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

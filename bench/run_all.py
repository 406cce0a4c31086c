"""Every benchmark of ``bench/``, one after the other, then one summary table (run by hand, not a test).

    .venv/bin/python bench/run_all.py --quick     # `make bench-quick`: each benchmark at about a minute
    .venv/bin/python bench/run_all.py --full      # `make bench`: the sizes of issue 10 that fit on 2 cores

Each benchmark runs as its own process and appends its own figures to ``bench/RESULTS.md`` (date,
commit, machine; ``bench/figures.py``); this script reads back what each appended and prints, per
figure, the measured value, the limit and the ratio. A benchmark that fails is reported and the
others still run; the exit code is 1 when any failed. ``--only NAME`` (repeatable) runs a subset.

Not run here: ``bench/simulator_scale.py`` (the simulator's own speed, no pipeline figure) and the
1M-order sizes of the issue (backfill and hourly run take hours at that size; run them by hand:
``bench/backfill.py --orders 1000000``, ``bench/hourly.py --orders 1000000 --changed 1000``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.figures import print_figures, recorded_since  # noqa: E402

PLANS = ("standard", "advanced", "plus", "enterprise")

# name -> (quick argument lists, full argument lists): one run per argument list.
BENCHMARKS: dict[str, tuple[list[list[str]], list[list[str]]]] = {
    "pacing": (  # figure 1, on each plan tier, then with extract tasks running at once
        [["--plan", plan, "--orders", "2000", "--seconds", "15"] for plan in PLANS]
        + [["--plan", "standard", "--orders", "2000", "--seconds", "15", "--workers", "4"]],
        [["--plan", plan, "--orders", "5000", "--seconds", "120"] for plan in PLANS]
        + [["--plan", plan, "--orders", "5000", "--seconds", "120", "--workers", "4"] for plan in ("standard", "plus")],
    ),
    "backfill": ([["--orders", "3000"]], [["--orders", "100000"]]),  # figure 2
    "transform": ([["--orders", "10000", "--changed", "100"]], [["--orders", "1000000", "--changed", "1000"]]),  # 3
    "hourly": (  # figure 4
        [["--orders", "1000", "--changed", "100", "--lag-seconds", "5"]],
        [["--orders", "100000", "--changed", "1000"]],
    ),
    "reverse_sync": ([["--levels", "1000"]], [["--levels", "10000"]]),  # figure 5
    "fulfillment_push": ([["--fulfillments", "200"]], [["--fulfillments", "1000"]]),  # figure 5
    "webhooks": (  # figure 6
        [["--deliveries", "3000", "--concurrency", "32"], ["--deliveries", "3000", "--concurrency", "32", "--restart"]],
        [
            ["--deliveries", "20000", "--concurrency", "32"],
            ["--deliveries", "20000", "--concurrency", "32", "--restart"],
        ],
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--quick", action="store_true", help="each benchmark at a size that takes about a minute")
    size.add_argument("--full", action="store_true", help="each benchmark at its full size")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    args = parser.parse_args()

    results = ROOT / "bench" / "RESULTS.md"
    outcomes: list[tuple[str, int, float]] = []
    sections = []
    for name, (quick, full) in BENCHMARKS.items():
        if args.only and name not in args.only:
            continue
        for argv in quick if args.quick else full:
            command = [sys.executable, str(ROOT / "bench" / f"{name}.py"), *argv]
            label = " ".join([name, *argv])
            print(f"\n==> bench/{label}", flush=True)
            offset = results.stat().st_size if results.exists() else 0
            started = time.monotonic()
            code = subprocess.run(command, cwd=ROOT, check=False).returncode
            outcomes.append((label, code, time.monotonic() - started))
            sections += recorded_since(offset)

    print("\n" + "=" * 100 + f"\nSummary ({'quick' if args.quick else 'full'} sizes), as appended to bench/RESULTS.md")
    for heading, figures in sections:
        print_figures(heading, figures, name_width=56)
    print("\n  benchmark runs:")
    for label, code, seconds in outcomes:
        print(f"  {'ok  ' if code == 0 else f'FAILED (exit {code})'}  {seconds:7.0f}s  {label}")
    return 0 if all(code == 0 for _, code, _ in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())

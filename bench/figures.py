"""The figures of a benchmark: printed as a table and appended to ``bench/RESULTS.md`` with the
date, the commit and the machine, so that runs can be compared over time.

A figure is ``(name, value, limit, ratio)``; limit and ratio may be ``None``.
"""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

Figure = tuple[str, object, object | None, object | None]


def print_figures(title: str, figures: list[Figure], name_width: int = 48, value_width: int = 16) -> None:
    print(f"\n{title}")
    print(f"  {'figure':<{name_width}}{'value':>{value_width}}{'limit':>10}{'ratio':>8}")
    for name, value, limit, ratio in figures:
        shown_limit = "" if limit is None else limit
        shown_ratio = "" if ratio is None else ratio
        print(f"  {name:<{name_width}}{value!s:>{value_width}}{shown_limit!s:>10}{shown_ratio!s:>8}")


def record(command: str, figures: list[Figure]) -> None:
    """Append the figures under ``## <command> — <date, commit, machine>`` to bench/RESULTS.md."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    when = f"{datetime.now(UTC):%Y-%m-%d}, commit {commit.stdout.strip()}, {machine}"
    lines = [f"\n## {command} — {when}", "", "| figure | value | limit | ratio |", "|---|---:|---:|---:|"]
    lines += [f"| {n} | {v} | {'' if lim is None else lim} | {'' if r is None else r} |" for n, v, lim, r in figures]
    with (ROOT / "bench" / "RESULTS.md").open("a") as results:
        results.write("\n".join(lines) + "\n")


def recorded_since(offset: int) -> list[tuple[str, list[Figure]]]:
    """The sections ``record`` appended to bench/RESULTS.md after byte ``offset``: (heading, figures)."""
    with (ROOT / "bench" / "RESULTS.md").open("rb") as results:
        results.seek(offset)
        text = results.read().decode()
    sections: list[tuple[str, list[Figure]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].split(" — ")[0], []))
        elif sections and line.startswith("| ") and not line.startswith(("| figure |", "|---")):
            cells = line.rstrip().removeprefix("| ").removesuffix(" |").split(" | ")
            name, value, limit, ratio = (cells + ["", "", ""])[:4]  # the name keeps its indent
            value, limit, ratio = value.strip(), limit.strip(), ratio.strip()
            sections[-1][1].append((name, value, limit or None, ratio or None))
    return sections

"""include/mappings changed as a user changes the versioned files, on a copy of a test's own."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from shopify_elt.transform import MAPPINGS_DIR


def copy_mappings(directory: Path) -> Path:
    """A copy of include/mappings in ``directory``, to change and build with."""
    target = directory / "mappings"
    shutil.copytree(MAPPINGS_DIR, target)
    return target


def set_setting(mappings: Path, setting: str, value: str) -> None:
    """Give a setting of ``mappings``/settings.csv a new value (it must be a setting the file has)."""
    path = mappings / "settings.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert setting in {r["setting"] for r in rows}, f"settings.csv has no {setting}"
    for row in rows:
        if row["setting"] == setting:
            row["value"] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

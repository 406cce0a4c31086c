"""Data-quality checks: SQL files of ``include/sql/checks`` that return the offending rows.

Each file is one ``select`` (dbt's singular-test semantics): no rows = the check passes. It
takes ``%(shop)s``, leaves out what Shopify deleted, and says in a ``problem`` column what is
wrong with each row. Adding a check is adding a file; this module finds, runs and judges them.
"""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from shopify_elt.warehouse import SQL_DIR, statements

CHECKS_DIR = SQL_DIR / "checks"
SAMPLE_SIZE = 5
"""Offending rows kept per failing check (in XCom, the run report and the error)."""


class DataQualityFailure(Exception):
    """One or more data-quality checks returned offending rows."""


def discover(checks_dir: Path = CHECKS_DIR) -> list[str]:
    """The names of the checks (file stems), in file-name order."""
    return sorted(path.stem for path in checks_dir.glob("*.sql"))


def check_query(name: str, checks_dir: Path = CHECKS_DIR) -> str:
    """The single statement of ``<checks_dir>/<name>.sql``, without its final semicolon."""
    found = statements((checks_dir / f"{name}.sql").read_text())
    if len(found) != 1:
        raise ValueError(f"check {name} must be exactly one select statement, found {len(found)}")
    return found[0].rstrip().rstrip(";")


def run_check(
    conn: psycopg.Connection, name: str, shop: str, checks_dir: Path = CHECKS_DIR, sample_size: int = SAMPLE_SIZE
) -> dict[str, Any]:
    """Count the offending rows of one check and keep the first ``sample_size`` of them.

    :return: ``{"offending": n, "samples": [{column: value, ...}, ...]}``, JSON-ready.
    """
    query = sql.SQL(check_query(name, checks_dir))
    params = {"shop": shop}
    with conn.cursor() as cur:
        cur.execute(sql.SQL("select count(*) from ({}) as offending").format(query), params)
        count = cur.fetchone()[0]
        samples: list[dict[str, Any]] = []
        if count:
            cur.execute(sql.SQL("select * from ({}) as offending limit {}").format(query, sample_size), params)
            columns = [column.name for column in cur.description]
            samples = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in cur.fetchall()]
    return {"offending": count, "samples": samples}


def run_checks(
    conn: psycopg.Connection, shop: str, checks_dir: Path = CHECKS_DIR, sample_size: int = SAMPLE_SIZE
) -> dict[str, dict[str, Any]]:
    """Every check of ``checks_dir`` for one shop, by name (read-only; a check never writes)."""
    return {name: run_check(conn, name, shop, checks_dir, sample_size) for name in discover(checks_dir)}


def failures(results: dict[str, dict[str, Any]]) -> list[str]:
    """One line per failing check: its name, how many rows offend, and the samples' problems."""
    lines = []
    for name, result in sorted(results.items()):
        if result["offending"]:
            shown = "; ".join(_describe(sample) for sample in result["samples"])
            more = result["offending"] - len(result["samples"])
            lines.append(
                f"{name}: {result['offending']} offending row(s): {shown}{f' … and {more} more' if more else ''}"
            )
    return lines


def raise_on_failures(results: dict[str, dict[str, Any]]) -> None:
    """Raise :class:`DataQualityFailure` listing every failing check with its count and samples."""
    problems = failures(results)
    if problems:
        raise DataQualityFailure(f"{len(problems)} data-quality check(s) failed:\n" + "\n".join(problems))


def _describe(sample: dict[str, Any]) -> str:
    keys = ", ".join(f"{c}={v}" for c, v in sample.items() if c != "problem")
    return f"{sample.get('problem', 'offending row')} ({keys})" if keys else str(sample.get("problem"))


def _plain(value: Any) -> Any:
    """A value JSON can carry (XCom, the stored report): numbers and dates as text."""
    if isinstance(value, decimal.Decimal | datetime.date | datetime.datetime):
        return str(value)
    return value

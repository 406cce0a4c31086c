"""Data-quality checks: SQL files of ``include/sql/checks`` that return the offending rows.

Each file is one ``select`` (dbt's singular-test semantics): no rows = the check passes. It
takes ``%(shop)s``, leaves out what Shopify deleted, and says in a ``problem`` column what is
wrong with each row. Adding a check is adding a file; this module finds, runs and judges them.

A check that also takes ``%(scoped)s`` is a **per-order** check: it returns a
``shopify_order_id`` column (null on rows that belong to no order, which it reports whatever the
scope) and, when scoped, looks only at the orders of ``ops.check_queue`` —
those the core builds rebuilt since the checks last ran, and those that offended then. An hourly
run on a large shop then costs what changed (at 1M orders the whole-shop totals took about a
minute), while a problem stays reported every run until it is fixed. A whole-shop pass (the
first run, then at most every ``whole_shop_every``) catches what no change points at, and queues
what it finds. All checks of a run read one snapshot, so the queue they empty is the queue they saw.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
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


def is_per_order(query: str) -> bool:
    """Whether a check's statement can be scoped to the queued orders (it takes ``%(scoped)s``)."""
    return "%(scoped)s" in query


def run_check(
    conn: psycopg.Connection,
    name: str,
    shop: str,
    checks_dir: Path = CHECKS_DIR,
    sample_size: int = SAMPLE_SIZE,
    scoped: bool = False,
    keep_offenders: bool = False,
) -> dict[str, Any]:
    """Count the offending rows of one check and keep the first ``sample_size`` of them. With
    ``keep_offenders``, a per-order check's offending orders also go into the session's
    ``check_offenders`` (created by :func:`run_checks`).

    :return: ``{"offending": n, "samples": [{column: value, ...}, ...], "scope": "whole shop" |
        "queued orders"}``, JSON-ready.
    """
    text = check_query(name, checks_dir)
    per_order = is_per_order(text)
    query = sql.SQL(text)
    params = {"shop": shop, "scoped": scoped}
    if keep_offenders and per_order:
        counting = sql.SQL(
            "with offending as ({}), kept as (insert into pg_temp.check_offenders (shopify_order_id)"
            " select o.shopify_order_id from offending as o where o.shopify_order_id is not null)"
            " select count(*) from offending"
        ).format(query)
    else:
        counting = sql.SQL("select count(*) from ({}) as offending").format(query)
    with conn.cursor() as cur:
        cur.execute(counting, params)
        count = cur.fetchone()[0]
        samples: list[dict[str, Any]] = []
        if count:
            cur.execute(sql.SQL("select * from ({}) as offending limit {}").format(query, sample_size), params)
            columns = [column.name for column in cur.description]
            samples = [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in cur.fetchall()]
    scope = "queued orders" if scoped and per_order else "whole shop"
    return {"offending": count, "samples": samples, "scope": scope}


def run_checks(
    conn: psycopg.Connection,
    shop: str,
    checks_dir: Path = CHECKS_DIR,
    sample_size: int = SAMPLE_SIZE,
    scoped: bool = False,
) -> dict[str, dict[str, Any]]:
    """Every check of ``checks_dir`` for one shop, by name, all on one snapshot; then the check
    queue is settled: the queued orders the checks saw leave it unless they offend, and every
    offending order found (scoped or not) is queued, to be looked at again next run.

    In autocommit mode the checks take their own repeatable-read transaction; inside a caller's
    transaction they read its snapshot.
    """
    in_transaction = conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
    with conn.transaction(), conn.cursor() as cur:
        if not in_transaction:
            cur.execute("set transaction isolation level repeatable read")
        cur.execute("create temp table if not exists check_offenders (shopify_order_id text not null)")
        cur.execute("create temp table if not exists check_seen (shopify_order_id text not null, seq bigint not null)")
        cur.execute("truncate pg_temp.check_offenders, pg_temp.check_seen")
        cur.execute(
            "insert into pg_temp.check_seen select shopify_order_id, seq from ops.check_queue where shop = %s", (shop,)
        )
        results = {
            name: run_check(conn, name, shop, checks_dir, sample_size, scoped, keep_offenders=True)
            for name in discover(checks_dir)
        }
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            """delete from ops.check_queue as q
               using pg_temp.check_seen as s
               where q.shop = %s and q.shopify_order_id = s.shopify_order_id and q.seq = s.seq
                 and not exists (
                     select 1 from pg_temp.check_offenders as o where o.shopify_order_id = q.shopify_order_id)""",
            (shop,),
        )
        cur.execute(
            """insert into ops.check_queue (shop, shopify_order_id)
               select distinct %s, shopify_order_id from pg_temp.check_offenders
               on conflict (shop, shopify_order_id) do nothing""",
            (shop,),
        )
        cur.execute("drop table pg_temp.check_offenders, pg_temp.check_seen")
    return results


@dataclass(frozen=True)
class CheckPass:
    """What a run of the checks covers: the whole shop, or the queued orders for the per-order checks."""

    scoped: bool
    reason: str


def plan_pass(conn: psycopg.Connection, shop: str, whole_shop_every: datetime.timedelta) -> CheckPass:
    """Scoped, unless the shop was never checked whole or its last whole pass is older than
    ``whole_shop_every`` (zero: every run is whole)."""
    row = conn.execute("select whole_shop_at from ops.check_passes where shop = %s", (shop,)).fetchone()
    if row is None:
        return CheckPass(False, "first check of the shop: the whole shop")
    age = conn.execute("select now() - %s::timestamptz", (row[0],)).fetchone()[0]
    if age >= whole_shop_every:
        return CheckPass(False, f"the whole shop (last whole pass {row[0]:%Y-%m-%d %H:%M %z})")
    return CheckPass(True, "per-order checks on the orders rebuilt or offending since the last run")


def record_whole_pass(conn: psycopg.Connection, shop: str, run_id: str) -> None:
    conn.execute(
        """insert into ops.check_passes (shop, whole_shop_at, run_id) values (%s, now(), %s)
           on conflict (shop) do update set whole_shop_at = excluded.whole_shop_at, run_id = excluded.run_id""",
        (shop, run_id),
    )


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

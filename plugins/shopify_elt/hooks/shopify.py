"""ShopifyHook: the one client for Shopify's Admin GraphQL API.

Built on the HTTP provider's hook (connection handling, TCP keep-alive adapter) with one pooled
``requests`` session per hook. It paces itself from Shopify's ``throttleStatus`` instead of
waiting for THROTTLED answers, raises typed errors, retries only what retrying can fix, and
never puts the access token anywhere but the request header.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import requests
from airflow.providers.http.hooks.http import HttpHook
from airflow.sdk.log import mask_secret

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.cost import estimate_cost
from shopify_elt.errors import ShopifyError, ShopifyQueryError, ShopifyThrottled, ShopifyTransientError
from shopify_elt.responses import GraphQLResponse, parse_graphql
from shopify_elt.retry import RetryPolicy
from shopify_elt.streams import load_document
from shopify_elt.throttle import ThrottleBucket, page_size_for

if TYPE_CHECKING:
    from shopify_elt.shared_budget import SharedBudget

log = logging.getLogger(__name__)

MAX_QUERY_COST = 1000
"""Shopify refuses any single query whose requested cost exceeds 1000 points."""
MAX_PAGE_SIZE = 250
PROBE_ABOVE_COST = 10
"""A fresh hook asks the bucket's level (a 1-point query) before its first query costing more."""
EXTRA_FIELDS = ("api_version", "plan", "timeout", "page_size", "shop_domain", "webhook_secret", "webhook_callback_url")
"""Connection extras that are settings of ours, not HTTP headers (HttpHook would send them; the
webhook secret above all must never leave in a request)."""


@dataclass(frozen=True)
class ShopifySettings:
    """What the connection says about the shop; the token is kept out of ``repr``."""

    base_url: str
    shop_domain: str
    api_version: str
    token: str = field(repr=False)
    plan: str = "detect"
    timeout: tuple[float, float] = (5.0, 60.0)


class ShopifyHook(HttpHook):
    """
    Talk to one shop's Admin GraphQL API.

    :param shopify_conn_id: a connection of type ``shopify``: host = the shop's
        ``<name>.myshopify.com`` domain (or ``http://127.0.0.1:<port>`` for the simulator),
        password = the Admin API access token, extra ``api_version`` (default
        ``2026-07``) and ``plan`` (``standard``/``advanced``/``plus``/``enterprise``/``detect``).
    :param retry: when and how long to retry transient failures (5xx, timeouts, THROTTLED, 429).
    :param shared_budget: the shop's bucket shared with its other tasks (``shopify_elt.shared_budget``);
        without it the hook paces from its own answers alone.
    """

    conn_name_attr = "shopify_conn_id"
    default_conn_name = "shopify_default"
    conn_type = "shopify"
    hook_name = "Shopify"

    def __init__(
        self,
        shopify_conn_id: str = default_conn_name,
        *,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        shared_budget: SharedBudget | None = None,
    ) -> None:
        super().__init__(method="POST", http_conn_id=shopify_conn_id)
        self.shopify_conn_id = shopify_conn_id
        self.retry = retry or RetryPolicy()
        self.bucket = ThrottleBucket()
        self.requests_sent = 0
        self._sleep = sleep
        self._session: requests.Session | None = None
        self._cost_ratio: dict[str, float] = {}
        self.shared_budget = shared_budget
        self._reserved = 0.0  # points the query in flight took from the shared budget

    # ------------------------------------------------------------------ connection
    @cached_property
    def settings(self) -> ShopifySettings:
        """Read shop, token and version from the Airflow connection once per hook."""
        conn = self.get_connection(self.shopify_conn_id)
        extra = conn.extra_dejson
        host = (conn.host or "").strip().rstrip("/")
        if not host:
            raise ShopifyError(f"Connection {self.shopify_conn_id!r} has no host (the shop's myshopify.com domain)")
        if not conn.password:
            raise ShopifyError(f"Connection {self.shopify_conn_id!r} has no Admin API access token (password)")
        mask_secret(conn.password)  # whatever logs it by mistake prints *** instead
        plan = str(extra.get("plan") or "detect")
        if plan != "detect" and self.requests_sent == 0:
            self.bucket = ThrottleBucket.for_plan(plan)  # size first pages right; answers refine it
        if "://" in host:
            base_url = host
        else:
            base_url = f"{conn.schema or 'https'}://{host}"
        if conn.port:
            base_url = f"{base_url}:{conn.port}"
        timeout = extra.get("timeout") or (5.0, 60.0)
        if isinstance(timeout, int | float):
            timeout = (5.0, float(timeout))
        return ShopifySettings(
            base_url=base_url,
            shop_domain=extra.get("shop_domain") or host.split("://")[-1],
            api_version=str(extra.get("api_version") or DEFAULT_API_VERSION),
            token=conn.password,
            plan=plan,
            timeout=(float(timeout[0]), float(timeout[1])),
        )

    def get_conn(self, headers: dict[Any, Any] | None = None, extra_options: dict[str, Any] | None = None):
        """A pooled session carrying the token header; our own extras are not sent as headers."""
        session = super().get_conn(headers=headers, extra_options=extra_options)
        for name in EXTRA_FIELDS:
            session.headers.pop(name, None)
        session.auth = None
        session.headers.update(
            {
                "X-Shopify-Access-Token": self.settings.token,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "shopify-elt-airflow/0.1",
            }
        )
        return session

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            self._session = self.get_conn()
        return self._session

    @property
    def graphql_url(self) -> str:
        return f"{self.settings.base_url}/admin/api/{self.settings.api_version}/graphql.json"

    # ------------------------------------------------------------------ GraphQL
    def graphql(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        expected_cost: float | None = None,
        retry_transient: bool = True,
    ) -> GraphQLResponse:
        """Send one GraphQL request, paced to the bucket, retried on transient failures.

        A write that is not idempotent passes ``retry_transient=False``: after a timeout or a 5xx
        nobody knows whether Shopify applied it, so the caller must look at Shopify's state before
        sending it again (``shopify_elt.reverse.ledger``); a THROTTLED answer is still retried,
        since Shopify refused it before doing anything.
        """
        estimate = estimate_cost(document, variables)
        cost = expected_cost if expected_cost is not None else estimate * self._cost_ratio.get(document, 1.0)
        if cost > MAX_QUERY_COST:
            raise ShopifyQueryError(f"Query would cost {cost:g} points, above Shopify's single-query limit of 1000")
        if not self.bucket.observed and cost > PROBE_ABOVE_COST:
            # Another task (or app) may just have drained the shop's bucket; a 1-point question
            # tells us its level, so even the first real query is paced instead of THROTTLED.
            self.graphql(load_document("throttle_probe"))
        attempt = throttled = 0
        while True:
            self._pace(cost)
            try:
                response = self._post(document, variables)
            except ShopifyQueryError as error:
                self._learn_cost(document, estimate, error.max_cost_exceeded)
                raise
            except ShopifyThrottled as error:
                # Refused before anything happened, usually because another task of the shop spent
                # the points this one waited for: wait for them again, plus a random part.
                throttled += 1
                self.bucket.throttled_answers += 1
                if throttled > self.retry.max_throttled:
                    raise
                needed = max(error.retry_after or 0.0, self.bucket.wait_seconds(cost), 1.0)
                delay = needed + self.retry.jitter(throttled)
                log.warning("Shopify answered %s; wait %d/%d: %.1fs", error, throttled, self.retry.max_throttled, delay)
                self._wait(delay)
            except ShopifyTransientError as error:
                attempt += 1
                if attempt > self.retry.max_retries or not retry_transient:
                    raise
                delay = self.retry.delay(attempt, error.retry_after)
                log.warning("Shopify answered %s; retry %d/%d in %.1fs", error, attempt, self.retry.max_retries, delay)
                self._wait(delay)
            else:
                self._learn_cost(document, estimate, response.cost.get("requestedQueryCost"))
                return response

    def _learn_cost(self, document: str, estimate: float, requested: float | None) -> None:
        """Remember how Shopify's requested cost compares with our estimate for this document.

        Our static estimate counts every object, while Shopify keeps its own (often lower, sometimes
        higher) manual costs; the ratio scales later estimates and page sizes of the same
        document to what Shopify charges. Both grow linearly with the page size, so the ratio of
        the last answer carries over to the next page.
        """
        if requested and estimate:
            self._cost_ratio[document] = float(requested) / estimate

    def _pace(self, cost: float) -> None:
        delay = self.bucket.wait_seconds(cost)
        if delay > 0:
            self._wait(delay)
        self._reserved = 0.0
        if self.shared_budget is None or not self.bucket.observed:
            return
        while (delay := self.shared_budget.reserve(self.settings.shop_domain, cost, self.bucket)) > 0:
            self._wait(delay)  # the shop's other tasks have the points for now
        self._reserved = min(cost, self.bucket.maximum)

    def _wait(self, seconds: float) -> None:
        self.bucket.seconds_waited += seconds
        self._sleep(seconds)

    def _post(self, document: str, variables: dict[str, Any] | None) -> GraphQLResponse:
        body: dict[str, Any] = {"query": document}
        if variables:
            body["variables"] = variables
        try:
            response = self.session.post(self.graphql_url, json=body, timeout=self.settings.timeout)
        except requests.Timeout:
            raise ShopifyTransientError(f"timed out talking to {self.settings.shop_domain}") from None
        except requests.ConnectionError:
            raise ShopifyTransientError(f"connection to {self.settings.shop_domain} failed or was reset") from None
        finally:
            self.requests_sent += 1
        cost, result, error = parse_graphql(response)
        self.bucket.update(cost)
        if self.shared_budget is not None:
            self.shared_budget.settle(self.settings.shop_domain, self._reserved, cost)
            self._reserved = 0.0
        if error is not None:
            raise error
        assert result is not None
        if result.api_version and result.api_version != self.settings.api_version:
            log.warning("Asked for API %s, Shopify served %s", self.settings.api_version, result.api_version)
        if result.deprecation:
            log.warning("Shopify reports deprecated usage: %s", result.deprecation)
        return result

    # ------------------------------------------------------------------ pagination
    def paginate(
        self,
        document: str,
        variables: dict[str, Any],
        path: tuple[str, ...],
        *,
        page_size: int = MAX_PAGE_SIZE,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield the ``nodes`` of each page of the connection at ``path``, following ``endCursor``.

        The page size is the largest (≤ ``page_size``) whose estimated cost fits in half the
        bucket and under Shopify's single-query limit, so pacing never has to drain the bucket.
        An ``after`` in ``variables`` resumes from that cursor.
        """
        after: str | None = variables.get("after")
        while True:
            first = self.fit_page_size(document, {**variables, "after": after}, page_size)
            try:
                response = self.graphql(document, {**variables, "first": first, "after": after})
            except ShopifyQueryError as error:
                if not error.max_cost_exceeded or first == 1:
                    raise
                continue  # the learnt cost ratio shrinks the next page size
            connection: Any = response.data
            for key in path:
                connection = connection.get(key) if connection else None
            if connection is None:
                return
            yield connection["nodes"]
            info = connection["pageInfo"]
            if not info["hasNextPage"]:
                return
            after = info["endCursor"]

    def fit_page_size(self, document: str, variables: dict[str, Any], limit: int = MAX_PAGE_SIZE) -> int:
        """Largest ``first`` ≤ ``limit`` whose estimated cost fits the budget (cost is linear in it)."""
        budget = min(MAX_QUERY_COST, self.bucket.maximum / 2) / self._cost_ratio.get(document, 1.0)
        one = estimate_cost(document, {**variables, "first": 1})
        two = estimate_cost(document, {**variables, "first": 2})
        per_node = max(1, two - one)
        return page_size_for(per_node, budget, limit, fixed_cost=one - per_node)

    # ------------------------------------------------------------------ Airflow UI
    def test_connection(self) -> tuple[bool, str]:
        """Used by the UI's Test button and ``airflow connections test``: one line, what is wrong or OK."""
        from shopify_elt.connection_check import check_connection

        report = check_connection(self)
        return report.ok, report.summary()

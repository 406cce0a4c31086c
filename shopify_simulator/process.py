"""Start and stop ``python -m shopify_simulator`` as a separate process (tests, the demo)."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Any

import requests


class SimulatorProcess:
    """Context manager: the simulator on a free port, waited for until it answers."""

    def __init__(self, *, seed: int, orders: int, token: str, plan: str = "standard", extra: list[str] | None = None):
        self.seed, self.orders, self.token, self.plan = seed, orders, token, plan
        self.extra = extra or []
        self.port: int | None = None
        self._process: subprocess.Popen | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="shopify-sim-")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connection(self, api_version: str = "2026-07") -> dict[str, Any]:
        """The Airflow connection (JSON form) pointing at this simulator."""
        return {
            "conn_type": "shopify",
            "host": self.base_url,
            "password": self.token,
            "extra": {"api_version": api_version, "shop_domain": "sim-store.myshopify.com"},
        }

    def __enter__(self) -> SimulatorProcess:
        port_file = pathlib.Path(self._dir.name) / "port"
        command = [
            sys.executable, "-m", "shopify_simulator",
            "--port", "0", "--port-file", str(port_file),
            "--seed", str(self.seed), "--orders", str(self.orders),
            "--plan", self.plan, "--token", self.token,
            *self.extra,
        ]  # fmt: skip
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, env={**os.environ})
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"simulator did not start (exit code {self._process.poll()})")
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        requests.get(f"{self.base_url}/_simulator/health", timeout=5).raise_for_status()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._dir.cleanup()

    def graphql(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        """Ask the simulator directly (the tests' independent view of the store).

        The bucket is shared with whatever client ran before, so a THROTTLED answer waits for
        the missing points (from its throttle status) and asks again.
        """
        while True:
            response = requests.post(
                f"{self.base_url}/admin/api/2026-07/graphql.json",
                json={"query": query, "variables": variables or {}},
                headers={"X-Shopify-Access-Token": self.token},
                timeout=30,
            )
            response.raise_for_status()
            body = response.json()
            codes = {(e.get("extensions") or {}).get("code") for e in body.get("errors") or []}
            if codes != {"THROTTLED"}:
                break
            cost = body["extensions"]["cost"]
            status = cost["throttleStatus"]
            time.sleep(max(0.1, (cost["requestedQueryCost"] - status["currentlyAvailable"]) / status["restoreRate"]))
        assert "errors" not in body, body
        return body["data"]

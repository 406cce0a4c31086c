"""Files users meet first: the README and CI's entry point (docker-compose.yaml: test_compose.py)."""

from __future__ import annotations

from shopify_elt.connection_check import required_scopes
from tests.conftest import ROOT


def test_readme_names_the_two_commands_and_every_scope():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:60])
    assert "make demo" in first_screen and "make test" in first_screen
    for scope in required_scopes():
        assert f"`{scope}`" in readme, f"README does not tell users to grant {scope}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()

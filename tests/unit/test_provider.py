"""The `shopify` connection type reaches Airflow's UI through the provider entry point."""

from __future__ import annotations

from importlib.metadata import entry_points


def test_entry_point_registers_the_shopify_connection_type():
    (entry,) = [e for e in entry_points(group="apache_airflow_provider") if e.value.startswith("shopify_elt")]
    info = entry.load()()
    (conn_type,) = info["connection-types"]
    assert conn_type["connection-type"] == "shopify"
    assert conn_type["hook-class-name"] == "shopify_elt.hooks.shopify.ShopifyHook"
    assert conn_type["ui-field-behaviour"]["relabeling"]["password"] == "Admin API access token"
    assert set(conn_type["conn-fields"]) == {"api_version", "plan"}


def test_airflow_lists_the_hook():
    from airflow.providers_manager import ProvidersManager

    hooks = ProvidersManager().hooks
    assert hooks["shopify"].hook_class_name == "shopify_elt.hooks.shopify.ShopifyHook"

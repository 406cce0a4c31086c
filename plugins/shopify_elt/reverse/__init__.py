"""Writes back to Shopify: planned, batched, compare-and-set, exactly once."""

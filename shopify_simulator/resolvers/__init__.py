"""Field resolvers over the in-memory store, dispatched by (type name, field name)."""

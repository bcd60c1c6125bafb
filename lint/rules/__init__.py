"""Rules: one module per rule or tight family; each module-level `Rule` is registered automatically."""

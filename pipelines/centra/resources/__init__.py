"""dlt resources, one module per entity family; each maps Centra's answers to the canonical tables."""

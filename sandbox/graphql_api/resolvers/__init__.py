"""Resolvers per entity family; `BINDABLES` collects every ariadne binding for the schema builder."""

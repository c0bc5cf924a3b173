"""The Centra source: Centra's GraphQL Integration API (and, as a fallback, its Order API) into the
canonical tables described in `tables.py` and this folder's README."""

from pipelines.centra.source import centra_source

__all__ = ["centra_source"]

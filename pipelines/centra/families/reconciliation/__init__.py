"""Reconciliation: counts and keys per day compared with Centra's, after the other families have loaded
(flows/reconciliation.py); what differs is queued for repair by the family it belongs to."""

from pipelines.centra.families.family import Family
from pipelines.centra.families.reconciliation import graphql

FAMILY = Family("reconciliation", graphql=graphql.PART, by_default=False)

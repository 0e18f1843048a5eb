"""Audit's read side: rows shaped for the API; no decisions, no writes."""

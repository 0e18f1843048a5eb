"""Appraisal commands and queries: one unit of work each."""

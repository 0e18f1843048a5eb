"""Audit: departure audits, spot checks, compliance rules, early warnings, journal."""

"""Audit service layer: one unit of work per command."""

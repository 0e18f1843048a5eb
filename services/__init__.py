"""Steward's four services; none imports another."""

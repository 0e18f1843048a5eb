"""Steward's common package: contracts, settings and the messaging, database, auth and ops machinery."""

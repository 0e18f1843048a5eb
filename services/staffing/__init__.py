"""Staffing: who may be a customer manager, and their departures."""

"""Appraisal HTTP schemas."""

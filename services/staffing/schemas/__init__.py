"""Staffing HTTP schemas: XCreate for input, XRead for output."""

"""Staffing's read side: load rows, call the domain's visibility rules, shape answers; never writes."""

"""Appraisal rules, free of I/O (R-A1..R-A4, R-P1..R-P3, R-Q8)."""

"""Audit rules, free of I/O: departure audits, findings, the hash-chained journal."""

"""The `steward` command: run the suite locally, issue dev tokens, migrate databases."""

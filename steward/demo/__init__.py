"""`steward demo`: seeds a cooperative and plays a year of it against a running suite."""

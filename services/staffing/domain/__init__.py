"""Staffing rules, free of I/O: ladder, qualification, certification, grades, teams, expenses, departures."""

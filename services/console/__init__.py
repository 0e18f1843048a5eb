"""The Workbench: a server-rendered console over the four services' public HTTP APIs."""

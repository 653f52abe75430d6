"""Shared pytest fixtures. Each edge keeps its loopback fixtures in its own module."""

pytest_plugins = [
    "tests.fixtures_env",
    "tests.fixtures_smtp",
    "tests.fixtures_sheets",
    "tests.fixtures_imap",
]

"""Shared fixtures: the real HTTP test server on 127.0.0.1 (tests/feed_server.py)."""

pytest_plugins = ["feed_server"]

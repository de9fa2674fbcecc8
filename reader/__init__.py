"""A terminal news reader: every article once, with its people and places highlighted."""

__version__ = "0.1.0"

"""Compliance reference lists and framework mappings, as data."""

"""Checks, one module per service; see ``registry`` for how a check is written."""

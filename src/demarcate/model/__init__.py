"""The Shared Responsibility Model: schema, data files and the loader that validates them."""

"""One collector module per service; each registers with ``sources.aws.registry.collector``."""

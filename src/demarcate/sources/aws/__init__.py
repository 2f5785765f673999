"""Live AWS discovery with boto3."""

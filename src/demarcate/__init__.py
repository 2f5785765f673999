"""demarcate: the AWS Shared Responsibility Model as data, and a scanner for your side of it."""

__version__ = "0.1.0"

"""batchlint: a linter and account health checker for AWS Batch."""

__version__ = "0.1.0"

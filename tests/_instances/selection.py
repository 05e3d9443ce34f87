"""Common-check instances for this family (see tests/_instances/__init__.py)."""

INSTANCES = {}

EXPECTED_FAILED_CHECKS = {}

"""coherence-tui: live workshops that diagnose customer-service coherence."""

__version__ = "0.1.0"
"""The package version, the one place to change it: ``pyproject.toml`` reads it from here."""

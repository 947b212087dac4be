"""coherence-tui: live workshops that diagnose customer-service coherence."""

__version__ = "0.1.0"

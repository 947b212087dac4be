"""Storage: session files (TinyDB document, journal, lock), questionnaire files, imports.

Below everything but the domain: imports only ``coherence_tui.domain`` and ``errors``.
"""

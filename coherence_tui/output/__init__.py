"""Output: report text, Markdown, CSV, JSON and HTML exports. No Textual; builds on
``services``, ``storage`` and ``domain``.
"""

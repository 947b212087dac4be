"""Services: a running workshop (the live session), figures after the reveal, the demo,
the kiosk supervisor. Pure Python, no Textual; build on ``storage`` and ``domain``.
"""

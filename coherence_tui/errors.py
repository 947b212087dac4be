"""The one base of every user-facing error, importable without anything heavy.

``SessionError`` (store), ``QuestionnaireError`` (questionnaires), ``AnswerFileError``
(imports) and the command line's ``UserError`` derive from ``CoherenceError``, so the
command line turns any of them into one line on stderr without importing the modules
that raise them (a supervisor or a kiosk starts without the store's or pydantic's
imports just to be able to catch their errors).
"""

from __future__ import annotations


class CoherenceError(Exception):
    """Something the user can fix; ``str()`` is one line."""

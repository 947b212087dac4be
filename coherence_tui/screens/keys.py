"""Footer labels in the interface language, through public Textual API only.

A screen's ``BINDINGS`` are fixed when the class is made, and Textual has no public way to
change a binding's description afterwards. So each binding is declared once per interface
language, its description translated, and Textual's *dynamic actions* show the right ones:
the copy for language L runs ``in_language(L, ACTION)``, and the screen's ``check_action``
hides (returns False for) every copy that is not in the screen's language. A language
change is then ``self.lang = new; self.refresh_bindings()``.

A screen using it::

    BINDINGS = translated_bindings(Binding("g", "next_group", "dash.key.group"), ...)

    def check_action(self, action, parameters):
        if action == IN_LANGUAGE:
            return check_in_language(self, parameters)
        ...

    async def action_in_language(self, lang: str, action: str) -> None:
        await self.run_action(action)
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from textual.actions import parse
from textual.binding import Binding, BindingType

from coherence_tui.i18n import LANGUAGES, interface_language, t

IN_LANGUAGE = "in_language"
"""The action of every translated binding: ``in_language(LANG, ACTION)``."""


class Speaking(Protocol):
    """A screen with an interface language and Textual's ``check_action``."""

    lang: str

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...


def translated_bindings(*bindings: Binding) -> list[BindingType]:
    """Each binding once per interface language, its description (an i18n key) translated.

    Keys, ``show``, ``priority`` and the rest are kept; the action is wrapped so that
    ``check_in_language`` can tell the languages apart.
    """
    return [
        replace(
            binding,
            action=f"{IN_LANGUAGE}({lang!r}, {binding.action!r})",
            description=t(binding.description, lang) if binding.description else "",
        )
        for lang in LANGUAGES
        for binding in bindings
    ]


def check_in_language(screen: Speaking, parameters: tuple[object, ...]) -> bool | None:
    """``check_action`` for a translated binding: hidden unless in ``screen.lang``'s
    interface language, else whatever the screen says of the action it wraps."""
    lang, action = parameters
    if lang != interface_language(screen.lang) or not isinstance(action, str):
        return False
    _, name, arguments = parse(action)
    return screen.check_action(name, arguments)

"""A report group's name on screen: the whole organisation, a level, a department."""

from __future__ import annotations

from coherence_tui.domain.report import ALL
from coherence_tui.i18n import t


def group_label(key: str, lang: str) -> str:
    """A group key (``all``, a level, ``department:NAME``) in words."""
    if key == ALL:
        return t("dash.group.all", lang)
    if key.startswith("department:"):
        return t("dash.group.department", lang, name=key.removeprefix("department:"))
    return t(f"dash.level.{key}", lang)

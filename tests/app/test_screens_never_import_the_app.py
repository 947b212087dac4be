"""Attributes down, messages up: screens and widgets never import the app (issue 12).

The app imports the screens; a screen that imported the app back would make a cycle. The
check reads every module's imports with ``ast`` (also imports inside functions and under
``TYPE_CHECKING``), so a lazy import cannot slip through either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import coherence_tui

PACKAGE = Path(coherence_tui.__file__).parent
PRIVATE_BINDINGS = re.compile(r"\b_bindings\b")
"""``self._bindings`` or ``screen._bindings`` (not ``refresh_bindings``)."""
UI_MODULES = sorted([*(PACKAGE / "screens").glob("*.py"), *(PACKAGE / "widgets").glob("*.py")])


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["coherence_tui", path.parent.name]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_there_are_screens_and_widgets_to_check() -> None:
    names = {path.stem for path in UI_MODULES}
    assert {"kiosk", "facilitator", "home", "pin", "dashboard", "stool"} <= names


def test_no_screen_or_widget_imports_the_app() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(path) if m == "coherence_tui.app"
        )
        for path in UI_MODULES
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_checker_sees_every_form_of_importing_the_app(tmp_path: Path) -> None:
    screens = tmp_path / "screens"
    screens.mkdir()
    forms = {
        "absolute": "from coherence_tui.app import CoherenceApp\n",
        "module": "import coherence_tui.app\n",
        "relative": "from ..app import CoherenceApp\n",
        "package": "from coherence_tui import app\n",
        "lazy": "def f():\n    from coherence_tui.app import CoherenceApp\n",
        "typing": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from coherence_tui.app import CoherenceApp\n",
    }
    for name, source in forms.items():
        module = screens / f"{name}.py"
        module.write_text(source)
        assert "coherence_tui.app" in imported_modules(module), name


def test_no_private_textual_bindings_are_touched() -> None:
    """Footer labels go through public Textual (``screens.keys``), never ``_bindings``."""
    users = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if PRIVATE_BINDINGS.search(path.read_text(encoding="utf-8"))
    ]
    assert users == []
    assert PRIVATE_BINDINGS.search("self._bindings.key_to_bindings")
    assert not PRIVATE_BINDINGS.search("self.refresh_bindings(); translated_bindings(")

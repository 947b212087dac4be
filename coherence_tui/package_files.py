"""Files the program reads at run time, found where the package was installed.

Everything is looked up through :mod:`importlib.resources`, never relative to the
source tree, so a wheel, an sdist, ``pipx install`` and ``pip install -e`` all find
the same files: the shipped questionnaires (the package ``coherence_tui.shipped``,
mapped onto the repository's top-level ``questionnaires/`` by ``pyproject.toml``) and
the ``.tcss`` stylesheets beside the modules.

Pure standard library: imported by the questionnaire loader, so never Textual.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["SHIPPED_QUESTIONNAIRES", "package_folder", "stylesheet"]

SHIPPED_QUESTIONNAIRES = "coherence_tui.shipped"
"""The package that holds the shipped questionnaire files."""


def package_folder(package: str) -> Path:
    """The directory the installed ``package`` lives in.

    Every supported install (wheel, sdist, pipx, editable) unpacks packages into
    plain directories, where :func:`importlib.resources.files` is a real path; the
    loaders need one (``extends`` resolves siblings, errors name the file).

    Raises:
        ModuleNotFoundError: ``package`` is not installed (e.g. the source tree
            is run without ``pip install -e .``, which maps ``coherence_tui.shipped``).
        RuntimeError: it was imported from an archive (a zip), which no supported
            install does.
    """
    try:
        folder = resources.files(package)
    except ModuleNotFoundError as missing:
        raise ModuleNotFoundError(
            f"{package} is not installed; install coherence-tui (pip install . or"
            " pip install -e .) rather than running it from a bare source tree",
            name=package,
        ) from missing
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} is not installed as a directory ({folder!r})")
    return folder


def stylesheet(name: str) -> Path:
    """The path of the stylesheet ``name`` (e.g. ``"app.tcss"``) shipped in the package."""
    return package_folder("coherence_tui") / name

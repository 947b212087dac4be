"""The shipped questionnaires, installed as the package ``coherence_tui.shipped``.

This folder is their home in the repository; ``pyproject.toml`` maps the package
``coherence_tui.shipped`` onto it, so a wheel, an sdist and ``pip install -e`` all
carry these ``*.toml`` files, and ``coherence_tui.storage.questionnaires`` finds them with
``importlib.resources`` wherever the package was installed.
"""

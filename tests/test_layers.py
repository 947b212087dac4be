"""The package's layers: imports only point down, and no module imports itself back.

Every ``import`` of ``coherence_tui`` counts, at the top of a module or inside a function
(a lazy import is still a dependency); only imports under ``if TYPE_CHECKING:`` are left
out, as they never run. README's "How the code is laid out" draws the same layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "coherence_tui"

LAYERS: tuple[tuple[str, ...], ...] = (
    # 0: pure: the method, the vocabulary, the words on screen
    ("coherence_tui", "coherence_tui.errors", "coherence_tui.package_files"),
    ("coherence_tui.domain", "coherence_tui.i18n"),
    # 2: files on disk: sessions, journal, lock, questionnaires, imports
    ("coherence_tui.storage",),
    # 3: a running workshop, the after-the-reveal figures, the demo, the supervisor
    ("coherence_tui.services",),
    # 4: reports and exports
    ("coherence_tui.output",),
    # 5: the interface's parts: widgets, messages, the room rules of the web server
    (
        "coherence_tui.widgets",
        "coherence_tui.messages",
        "coherence_tui.serve.tokens",
        "coherence_tui.serve.room",
        "coherence_tui.serve.seats",
        "coherence_tui.serve.address",
        "coherence_tui.serve.seat_link",
        "coherence_tui.serve.qr",
    ),
    # 6: screens
    ("coherence_tui.screens",),
    # 7: the Textual app
    ("coherence_tui.app",),
    # 8: entry points: the command line and the browser-kiosk server
    ("coherence_tui.cli", "coherence_tui.__main__", "coherence_tui.serve"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> int:
    """The layer of the most specific prefix that names ``module``."""
    best, best_len = -1, -1
    for layer, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            top = prefix != "coherence_tui" or module == prefix
            if matches and len(prefix) > best_len and top:
                best, best_len = layer, len(prefix)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS (and to README)")
    return best


def runtime_imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every ``coherence_tui`` import that can run."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(child) for sub in node.body for child in ast.walk(sub))
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("coherence_tui"):
                modules = [
                    f"{node.module}.{alias.name}"
                    for alias in node.names
                    if (PACKAGE.parent / f"{node.module}.{alias.name}".replace(".", "/"))
                    .with_suffix(".py")
                    .exists()
                ]
                # ``from coherence_tui.pkg import module`` depends on that module (and on
                # the package's ``__init__``, which holds no imports of ours).
                for module in modules or [node.module]:
                    yield node.lineno, module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("coherence_tui"):
                    yield node.lineno, alias.name


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_layer() -> None:
    for path in MODULES:
        layer_of(module_name(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_point_down(path: Path) -> None:
    """A module imports only from its own layer or the layers below it."""
    here = module_name(path)
    mine = layer_of(here)
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target} (layer {layer_of(target)})"
        for line, target in runtime_imports(path)
        if layer_of(target) > mine
    ]
    assert not upward, f"{here} is in layer {mine}, but:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        here = module_name(path)
        graph[here] = {target for _, target in runtime_imports(path) if target != here}
    # A package's __init__ is imported with each of its modules: not an edge back.
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if module.startswith(target + "."):
                continue  # a module naming its own package
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target in graph and state.get(target) is None:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if state.get(module) is None:
            visit(module)


def test_the_domain_imports_no_interface_and_no_storage() -> None:
    """The method stays pure: no Textual, Rich, TinyDB or files below ``storage``."""
    for path in (PACKAGE / "domain").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                root = name.split(".")[0]
                assert root not in {"textual", "rich", "tinydb", "filelock"}, (
                    f"{path.name} imports {name}"
                )


def test_the_readme_tree_names_every_package_and_module() -> None:
    """README's "How the code is laid out" stays the map of the code."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    missing = []
    for path in MODULES:
        if path.name in ("__init__.py", "__main__.py"):
            continue
        relative = path.relative_to(PACKAGE)
        if len(relative.parts) > 1 and f"{relative.parts[0]}/" not in section:
            missing.append(f"{relative.parts[0]}/")
        if path.stem not in section:
            missing.append(str(relative))
    assert not missing, "README's layout does not mention: " + ", ".join(sorted(set(missing)))

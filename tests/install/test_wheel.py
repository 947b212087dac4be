"""coherence-tui installed like any Python tool: from a wheel, in a fresh venv, run elsewhere.

The module builds the sdist from a copy of the source tree, the wheel from that
sdist (as ``python -m build`` does), both offline with the build backend already
installed, then installs the wheel into a new virtual environment in a temporary
directory. That environment sees the test environment's site-packages (a ``.pth``
line) for the dependencies, so nothing is downloaded, but it has its own copy of
coherence-tui: the commands below run the wheel's code from a directory that is
not the source tree.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "coherence_tui"
QUESTIONNAIRES = REPO / "questionnaires"

NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "build",
    "dist",
    "sessions",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
)
"""What a fresh clone would not have: build output, caches, the venv, local sessions."""

BUILD = (
    "import importlib, sys, tomllib\n"
    "with open('pyproject.toml', 'rb') as f:\n"
    "    backend = tomllib.load(f)['build-system']['build-backend']\n"
    "hook = getattr(importlib.import_module(backend), sys.argv[1])\n"
    "print(hook(sys.argv[2]))\n"
)
"""Calls one PEP 517 hook of the project's own backend, without build isolation."""

PURELIB = "import sysconfig; print(sysconfig.get_path('purelib'))"

TIMEOUT = 120


@dataclass(frozen=True)
class Installed:
    """The built wheel and the fresh environment it is installed in."""

    wheel: Path
    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def tool(self) -> Path:
        return self.venv / "bin" / "coherence-tui"

    def names(self) -> set[str]:
        """The paths of every file in the wheel."""
        with zipfile.ZipFile(self.wheel) as archive:
            return set(archive.namelist())

    def dist_info(self, name: str) -> str:
        """The text of ``name`` (``METADATA``, ``entry_points.txt``) in the wheel's dist-info."""
        with zipfile.ZipFile(self.wheel) as archive:
            (path,) = (n for n in archive.namelist() if n.endswith(f".dist-info/{name}"))
            return archive.read(path).decode("utf-8")

    def metadata(self) -> Message:
        return Parser().parsestr(self.dist_info("METADATA"))


def _check(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    shown = shlex.join(command)[:160]
    assert done.returncode == 0, f"exit {done.returncode}: {shown}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _build(hook: str, project: Path, out: Path) -> Path:
    name = _check([sys.executable, "-c", BUILD, hook, str(out)], cwd=project)
    return out / name.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """sdist -> wheel -> a fresh venv outside the source tree, all without network."""
    root = tmp_path_factory.mktemp("install")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE)
    dist = root / "dist"
    sdist = _build("build_sdist", source, dist)
    with tarfile.open(sdist) as archive:
        archive.extractall(root / "unpacked", filter="data")
    (unpacked,) = (root / "unpacked").iterdir()
    wheel = _build("build_wheel", unpacked, dist)

    venv = root / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=root)
    python = str(venv / "bin" / "python")
    site = _check([python, "-c", PURELIB], cwd=root).strip()
    dependencies = dict.fromkeys(sysconfig.get_path(key) for key in ("purelib", "platlib"))
    (Path(site) / "_test_dependencies.pth").write_text("\n".join(dependencies) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", python, "--isolated"]
    options = ["--disable-pip-version-check", "--no-deps", "--no-index"]
    _check([*pip, "install", *options, str(wheel)], cwd=root)
    return Installed(wheel=wheel, venv=venv)


@pytest.fixture
def tool_env() -> dict[str, str]:
    """The environment of a user's shell: no test overrides, no source tree on the path."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in drop and not key.startswith("COHERENCE_")
    }
    return {**env, "NO_COLOR": "1"}


def _answers_csv(path: Path) -> Path:
    """Two board members agree strongly with D02, D04 and D05, two front-line staff disagree."""
    rows = ["participant,level,department,item,value"]
    for participant, level, value in (
        ("B1", "board", 2),
        ("B2", "board", 2),
        ("F1", "front_line", -1),
        ("F2", "front_line", -1),
    ):
        rows += [f"{participant},{level},,{item},{value}" for item in ("D02", "D04", "D05")]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


# -- what the wheel holds -------------------------------------------------------------


def test_wheel_holds_every_shipped_questionnaire(installed: Installed) -> None:
    shipped = {n for n in installed.names() if n.startswith("coherence_tui/shipped/")}
    in_wheel = {Path(n).name for n in shipped if n.endswith(".toml")}
    in_repo = {path.name for path in QUESTIONNAIRES.glob("*.toml")}
    assert in_repo, "no questionnaires found in the repository"
    assert in_wheel == in_repo


PACKAGE_FILES = {".py", ".tcss", ".typed", ".html", ".js", ".css", ".ttf", ".txt"}
"""Modules, stylesheets, and the browser kiosk's templates, scripts, styles and font."""


def test_wheel_holds_every_module_and_stylesheet_of_the_package(installed: Installed) -> None:
    in_repo = {
        path.relative_to(REPO).as_posix()
        for path in PACKAGE.rglob("*")
        if path.suffix in PACKAGE_FILES and "__pycache__" not in path.parts
    }
    assert "coherence_tui/serve/static/fonts/DejaVuSansMono.ttf" in in_repo
    missing = in_repo - installed.names()
    assert not missing, f"not in the wheel (add the package to pyproject.toml): {sorted(missing)}"


def test_wheel_metadata_has_the_readme_python_versions_and_entry_point(
    installed: Installed,
) -> None:
    from coherence_tui import __version__

    metadata = installed.metadata()
    assert metadata["Name"] == "coherence-tui"
    assert metadata["Version"] == __version__
    assert metadata["Requires-Python"] == ">=3.11"
    assert "Programming Language :: Python :: 3.11" in metadata.get_all("Classifier", [])
    assert metadata["Description-Content-Type"] == "text/markdown"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    description = metadata.get_payload()
    assert isinstance(description, str) and description.strip() == readme.strip()
    entry_points = installed.dist_info("entry_points.txt")
    assert "coherence-tui = coherence_tui.cli:main" in entry_points.splitlines()


# -- what the installed tool does ---------------------------------------------------------


def test_installed_package_is_the_wheels_copy_not_the_source_tree(
    installed: Installed, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    code = (
        "import coherence_tui, coherence_tui.storage.questionnaires as q\n"
        "print(coherence_tui.__file__)\n"
        "print(q.SHIPPED_DIR)\n"
    )
    out = _check([str(installed.python), "-c", code], tmp_path, tool_env)
    package, shipped = out.splitlines()
    assert Path(package).is_relative_to(installed.venv)
    assert Path(shipped).is_relative_to(installed.venv) and Path(shipped).name == "shipped"


def test_version_matches_the_wheel_metadata(
    installed: Installed, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    out = _check([str(installed.tool), "--version"], tmp_path, tool_env)
    assert out.strip() == f"coherence-tui {installed.metadata()['Version']}"


def test_installed_tool_runs_a_workshop_from_another_directory(
    installed: Installed, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    def tool(*args: str) -> str:
        return _check([str(installed.tool), *args], tmp_path, tool_env)

    listed = [line.split()[0] for line in tool("questionnaires").splitlines() if line.strip()]
    assert listed == sorted(path.stem for path in QUESTIONNAIRES.glob("*.toml"))

    created = tool("new", "acme", "--questionnaire", "general-en", "--k", "2", "--pin", "4321")
    assert created.strip().splitlines()[-1] == str(Path("sessions") / "acme.json")
    assert (tmp_path / "sessions" / "acme.json").is_file()

    imported = tool("import", "acme", str(_answers_csv(tmp_path / "answers.csv")))
    assert imported.startswith("imported 12 answers from 4 participants")

    report = json.loads(tool("report", "acme", "--json"))
    assert (report["session"], report["questionnaire"], report["k"]) == ("acme", "general-en", 2)
    board, front_line = report["groups"]["board"], report["groups"]["front_line"]
    assert (board["n"], front_line["n"]) == (2, 2)
    assert board["factors"]["declarations"] == 200
    assert front_line["factors"]["declarations"] == -100
    assert report["gaps"]["board-front_line"]["declarations"] == 300

    markdown = tool("export", "acme", "--format", "md")
    assert markdown.startswith("# ") and "acme" in markdown.splitlines()[0]
    assert "general-en" in markdown
    assert "+200" in markdown and "+300" in markdown


def test_installed_app_loads_its_stylesheets_from_the_wheel(
    installed: Installed, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    _check(
        [str(installed.tool), "new", "acme", "--questionnaire", "general-en", "--pin", "4321"],
        tmp_path,
        tool_env,
    )
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from coherence_tui.app import CoherenceApp\n"
        "async def main() -> None:\n"
        "    app = CoherenceApp(start='dashboard', session=Path(sys.argv[1]))\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        print(type(app.screen).__name__)\n"
        "        print(*app.css_path, app.screen.CSS_PATH, sep='\\n')\n"
        "asyncio.run(main())\n"
    )
    session = tmp_path / "sessions" / "acme.json"
    out = _check([str(installed.python), "-c", code, str(session)], tmp_path, tool_env)
    screen, *stylesheets = out.splitlines()
    assert screen == "DashboardScreen"
    # The app's own (the dashboard's too: a first screen does not load its CSS_PATH),
    # then the dashboard screen's.
    names = [Path(path).name for path in stylesheets]
    assert names == ["app.tcss", "dashboard.tcss", "dashboard.tcss"]
    for path in stylesheets:
        assert Path(path).is_relative_to(installed.venv) and Path(path).is_file()


def test_installed_server_serves_its_page_script_and_font_from_the_wheel(
    installed: Installed, tmp_path: Path, tool_env: dict[str, str]
) -> None:
    """``coherence-tui serve`` from the wheel, on loopback only, for a few requests."""
    import signal
    import urllib.request
    from urllib.parse import urlsplit

    _check(
        [str(installed.tool), "new", "acme", "--questionnaire", "general-en", "--pin", "4321"],
        tmp_path,
        tool_env,
    )
    server = subprocess.Popen(
        [str(installed.tool), "serve", "acme", "--port", "0", "--no-preload"],
        cwd=tmp_path,
        env=tool_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = next((line.strip() for line in server.stdout if line.startswith("http")), "")
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1", url
        origin = f"{parts.scheme}://{parts.netloc}"
        sizes = {}
        for path in (parts.path, "/static/ck/kiosk.js", "/static/ck/fonts/DejaVuSansMono.ttf"):
            with urllib.request.urlopen(origin + path, timeout=TIMEOUT) as response:
                sizes[path] = len(response.read())
        font = PACKAGE / "serve" / "static" / "fonts" / "DejaVuSansMono.ttf"
        assert sizes["/static/ck/fonts/DejaVuSansMono.ttf"] == font.stat().st_size
        assert all(sizes.values())
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=TIMEOUT)

"""Dashboard benchmark: answer-to-paint latency and startup time to the first frame.

Usage: ``python bench/ui_bench.py SESSION_PATH`` (``bench/run.py`` runs it with its
10,000-answer session). The session file is copied to a temporary directory and the
copy is revealed, switched to ``UpdateRule.ANSWER`` and to English, so the original is
never touched and every answer moves the dashboard.

(a) Answer stored -> dashboard repainted, in process (``App.run_test`` at 200x50, the
    layout with every chart). For each of ``SAMPLES`` answers (after ``WARMUP``), spaced
    ``SPACING_S`` apart like people at a kiosk:

    - ``t_key``: just before ``live.record_answer`` (the kiosk's key press handler);
    - ``t_stored``: ``record_answer`` returned, the answer is durable (fsync'ed);
    - the app then calls ``DashboardScreen.refresh_report()``, as ``run`` does after an
      in-process answer;
    - ``t_painted``: the end of the last frame that the change produced. Headless Textual
      skips turning a frame into terminal output, so the bench wraps ``App._display`` to
      do that work too (``render_segments``: every escape sequence a real terminal would
      get, minus the write to the fd) and stamps the time after it. A frame counts when
      it comes after ``t_stored``; the change is painted when no further frame follows
      for ``QUIET_S``. Every sample checks that the frame shows the new answer count.

    ``ui_answer_to_paint_*`` is ``t_painted - t_stored`` (the dashboard's own cost, the
    issue's target: p95 within one 60 Hz frame, 16 ms); ``ui_key_to_paint_*`` is
    ``t_painted - t_key`` (adds the durable write).

(b) Startup: ``python -m coherence_tui dashboard SESSION`` is started in a pseudo
    terminal of 200x50 (TERM=xterm-256color); the time runs from just before the
    process is spawned to the moment the pty has delivered a frame containing the
    stool's last line ("leans towards ..."), which is drawn in the same frame as the
    charts and the footer. A minimal Textual app (one Static, "Hello, world", and a
    Footer) is measured the same way with "Hello, world" as its marker. Median of
    ``STARTUP_RUNS`` runs each, interleaved; processes are killed after the frame.

Prints a table, and as its last line one JSON object with ``ui_answer_to_paint_p50_ms``,
``ui_answer_to_paint_p95_ms``, ``ui_key_to_paint_p50_ms``, ``ui_key_to_paint_p95_ms``,
``ui_paint_samples``, ``startup_s``, ``hello_textual_startup_s`` and
``startup_ratio``.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from coherence_tui.app import CoherenceApp  # noqa: E402
from coherence_tui.domain.model import LEVELS, UpdateRule  # noqa: E402
from coherence_tui.screens.dashboard import DashboardScreen  # noqa: E402
from coherence_tui.store import SessionStore  # noqa: E402

SIZE = (200, 50)
WARMUP = 10
SAMPLES = 100
SPACING_S = 0.04
QUIET_S = 0.04
PAINT_TIMEOUT_S = 2.0
STARTUP_RUNS = 5
STARTUP_TIMEOUT_S = 30.0
DASHBOARD_MARKERS = (b"leans towards", b"stands steady")
"""The stool's last line: one of these, whichever way the session's stool stands."""
HELLO_MARKER = b"Hello, world"

HELLO_APP = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Static


class Hello(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello, world")
        yield Footer()


Hello().run()
"""


def prepare(source: Path, folder: Path) -> Path:
    """A copy of the session, revealed, updating after every answer, in English."""
    path = folder / source.name
    shutil.copy2(source, path)
    store = SessionStore.open(path)
    snapshot = store.snapshot()
    store.update_settings(
        snapshot.settings.model_copy(update={"update_rule": UpdateRule.ANSWER, "language": "en"})
    )
    store.update_state(snapshot.state.model_copy(update={"revealed": True, "paused": False}))
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def screen_text(app: CoherenceApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def answer_to_paint(session: Path) -> dict[str, Any]:
    app = CoherenceApp(start="dashboard", session=session)
    paints: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                renderable.render_segments(app.console)
                paints.append(time.perf_counter())

        app._display = display  # type: ignore[method-assign]
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, DashboardScreen), type(screen)
        live = app.live
        assert live is not None
        items = live.questionnaire.item_ids
        participant = None
        answered = 0
        stored_to_paint: list[float] = []
        key_to_paint: list[float] = []
        for n in range(WARMUP + SAMPLES):
            await asyncio.sleep(SPACING_S)
            if participant is None or answered == len(items):
                participant = live.start_participant(LEVELS[n % 3], None).code
                answered = 0
                await asyncio.sleep(SPACING_S)
            t_key = time.perf_counter()
            live.record_answer(participant, items[answered], (n % 5) - 2)
            t_stored = time.perf_counter()
            screen.refresh_report()
            answered += 1
            deadline = t_stored + PAINT_TIMEOUT_S
            while True:
                await asyncio.sleep(0.002)
                now = time.perf_counter()
                last = paints[-1] if paints else 0.0
                if last > t_stored and now - last >= QUIET_S:
                    break
                if now > deadline:
                    raise RuntimeError(f"no frame within {PAINT_TIMEOUT_S} s of answer {n}")
            report = screen.report
            assert report is not None
            expected = f"{report.answers} answers"
            if expected not in screen_text(app):
                raise RuntimeError(f"frame after answer {n} does not show {expected!r}")
            if n >= WARMUP:
                stored_to_paint.append(last - t_stored)
                key_to_paint.append(last - t_key)
    return {
        "ui_answer_to_paint_p50_ms": round(statistics.median(stored_to_paint) * 1000, 2),
        "ui_answer_to_paint_p95_ms": round(percentile(stored_to_paint, 95) * 1000, 2),
        "ui_answer_to_paint_max_ms": round(max(stored_to_paint) * 1000, 2),
        "ui_key_to_paint_p50_ms": round(statistics.median(key_to_paint) * 1000, 2),
        "ui_key_to_paint_p95_ms": round(percentile(key_to_paint, 95) * 1000, 2),
        "ui_paint_samples": len(stored_to_paint),
    }


def time_to_marker(argv: list[str], marker: bytes | tuple[bytes, ...]) -> float:
    """Seconds from spawning ``argv`` in a 200x50 pty to (one of) ``marker`` arriving on it."""
    markers = marker if isinstance(marker, tuple) else (marker,)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1])}
    env.pop("TEXTUAL", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            if time.perf_counter() - start > STARTUP_TIMEOUT_S:
                raise RuntimeError(f"{argv[-1]}: no {marker!r} after {STARTUP_TIMEOUT_S} s")
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    raise RuntimeError(f"{argv}: exited {proc.returncode}: {seen[-400:]!r}")
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:
                raise RuntimeError(f"{argv}: pty closed: {seen[-400:]!r}") from exc
            seen += chunk
            tail = seen[-(len(chunk) + 64) :]
            if any(m in tail for m in markers):
                return time.perf_counter() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def startup(session: Path) -> dict[str, Any]:
    dashboard = [sys.executable, "-m", "coherence_tui", "dashboard", str(session)]
    hello = [sys.executable, "-c", HELLO_APP]
    # One untimed run each so both start with warm file caches and bytecode.
    time_to_marker(dashboard, DASHBOARD_MARKERS)
    time_to_marker(hello, HELLO_MARKER)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(STARTUP_RUNS):
        ours.append(time_to_marker(dashboard, DASHBOARD_MARKERS))
        theirs.append(time_to_marker(hello, HELLO_MARKER))
    startup_s = statistics.median(ours)
    hello_s = statistics.median(theirs)
    return {
        "startup_s": round(startup_s, 3),
        "hello_textual_startup_s": round(hello_s, 3),
        "startup_ratio": round(startup_s / hello_s, 2),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python bench/ui_bench.py SESSION_PATH", file=sys.stderr)
        return 2
    source = Path(argv[0])
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as folder:
        session = prepare(source, Path(folder))
        answers = len(SessionStore.open(session).snapshot().answers)
        figures: dict[str, Any] = {"ui_session_answers": answers}
        figures.update(asyncio.run(answer_to_paint(session)))
        figures.update(startup(session))
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

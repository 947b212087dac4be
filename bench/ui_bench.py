"""Dashboard benchmark: answer-to-paint latency and startup time to the first frame.

Usage: ``python bench/ui_bench.py SESSION_PATH`` (``bench/run.py`` runs it with its
10,000-answer session). The session's answers are copied into a rehearsal session
(k = 1, revealed, English) in a temporary directory, so the original is never touched
and every participant who finishes moves the dashboard at once (with k = 3 most
finishes wait for a batch of the room's releases, DESIGN.md *Anonymity*).

(a) Answer stored -> dashboard repainted, in process (``App.run_test`` at 200x50, the
    layout with every chart). For each of ``SAMPLES`` participants (after ``WARMUP``),
    spaced ``SPACING_S`` apart like people at a kiosk, the participant's last answer,
    which is the one that moves the room's view (a participant counts once finished):

    - ``t_key``: just before ``live.record_answer`` (the kiosk's key press handler);
    - ``t_stored``: ``record_answer`` and ``finish_participant`` returned (what the
      kiosk does at a last statement), both durable (fsync'ed);
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
    charts and the footer. ``python -m coherence_tui kiosk SESSION`` (the supervised
    kiosk: a supervisor process and the app) is measured the same way on the
    10,000-answer session, to its welcome card ("Press Enter to start"). A minimal
    Textual app (one Static, "Hello, world", and a Footer) is measured the same way
    with "Hello, world" as its marker. Median of ``STARTUP_RUNS`` runs each,
    interleaved; processes are killed after the frame. The dashboard's first frame
    has its exact figures; its 90 % intervals, the stool's "?" and the
    recommendations follow once scipy is imported, in a thread after that frame
    (``LiveSession.first_report``): ``startup_complete_s`` runs to the first frame
    with the first recommendation ("1. ").

Prints a table, and as its last line one JSON object with ``ui_answer_to_paint_p50_ms``,
``ui_answer_to_paint_p95_ms``, ``ui_key_to_paint_p50_ms``, ``ui_key_to_paint_p95_ms``,
``ui_paint_samples``, ``startup_s``, ``startup_complete_s``, ``kiosk_startup_s``,
``hello_textual_startup_s``, ``startup_ratio`` and ``kiosk_startup_ratio``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from copies import english_copy, rehearsal_copy  # noqa: E402
from ptyapp import time_to_marker, times_to_markers  # noqa: E402

from coherence_tui.app import CoherenceApp  # noqa: E402
from coherence_tui.domain.model import LEVELS  # noqa: E402
from coherence_tui.screens.dashboard import DashboardScreen  # noqa: E402
from coherence_tui.storage.store import SessionStore  # noqa: E402

SIZE = (200, 50)
WARMUP = 10
SAMPLES = 100
SPACING_S = 0.04
QUIET_S = 0.04
PAINT_TIMEOUT_S = 2.0
STARTUP_RUNS = 5
DASHBOARD_MARKERS = (b"leans towards", b"stands steady")
"""The stool's last line: one of these, whichever way the session's stool stands."""
COMPLETE_MARKER = b"1. "
"""The first recommendation's number: the dashboard's report is complete (whole organisation
has no 90 % margin to wait for; recommendations need the t quantile too)."""
KIOSK_MARKER = b"Press Enter to start"
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
        stored_to_paint: list[float] = []
        key_to_paint: list[float] = []
        for n in range(WARMUP + SAMPLES):
            await asyncio.sleep(SPACING_S)
            participant = live.start_participant(LEVELS[n % 3], None).code
            await asyncio.sleep(SPACING_S)
            t_key = time.perf_counter()
            live.record_answer(participant, items[n % len(items)], (n % 5) - 2)
            live.finish_participant(participant)
            t_stored = time.perf_counter()
            screen.refresh_report()
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


def startup(dashboard_session: Path, kiosk_session: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "coherence_tui"]
    dashboard = [*command, "dashboard", str(dashboard_session)]
    runs: dict[str, tuple[list[str], tuple[bytes, ...]]] = {
        "dashboard": (dashboard, DASHBOARD_MARKERS),
        "kiosk": ([*command, "kiosk", str(kiosk_session)], (KIOSK_MARKER,)),
        "hello": ([sys.executable, "-c", HELLO_APP], (HELLO_MARKER,)),
    }
    times: dict[str, list[float]] = {name: [] for name in [*runs, "complete"]}
    # One untimed run each so all start with warm file caches and bytecode.
    for argv, markers in runs.values():
        time_to_marker(argv, markers, size=SIZE)
    for _ in range(STARTUP_RUNS):
        for name, (argv, markers) in runs.items():
            if name == "dashboard":
                # Its first frame, then the frame with its recommendations (scipy loaded).
                first, complete = times_to_markers(argv, [markers, (COMPLETE_MARKER,)], size=SIZE)
                times[name].append(first)
                times["complete"].append(complete)
            else:
                times[name].append(time_to_marker(argv, markers, size=SIZE))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "startup_s": round(medians["dashboard"], 3),
        "startup_complete_s": round(medians["complete"], 3),
        "kiosk_startup_s": round(medians["kiosk"], 3),
        "hello_textual_startup_s": round(medians["hello"], 3),
        "startup_ratio": round(medians["dashboard"] / medians["hello"], 2),
        "kiosk_startup_ratio": round(medians["kiosk"] / medians["hello"], 2),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python bench/ui_bench.py SESSION_PATH", file=sys.stderr)
        return 2
    source = Path(argv[0])
    with tempfile.TemporaryDirectory(prefix="ui-bench-") as folder:
        session = rehearsal_copy(source, Path(folder))
        kiosk_session = english_copy(source, Path(folder))
        answers = len(SessionStore.open(session).snapshot().answers)
        figures: dict[str, Any] = {"ui_session_answers": answers}
        figures.update(asyncio.run(answer_to_paint(session)))
        figures.update(startup(session, kiosk_session))
    width = max(len(key) for key in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

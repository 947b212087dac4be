"""Session store benchmark: ``make bench`` (not part of ``make test``).

Fills sessions to 100, 1,000 and 10,000 answers (participants of 30 items) and
measures, side by side at each size:

- our durable ``record_answer`` (one checksummed line appended to the session's
  journal and fdatasync'ed; the session file itself is rewritten only at checkpoints),
  p50/p95/max over the last few hundred answers that bring the session to size;
- plain TinyDB 4 with its default ``JSONStorage`` (in-place rewrite, no rename),
  ``insert`` of one answer document into a file pre-filled to the same size;
- a fsync'ed append of one JSON line to a file: the physical floor on this disk.

Then, on the 10,000-answer session: opening and snapshotting it, and
``python -m coherence_tui report SESSION --json`` as a whole process (wall time
and peak RSS of that process alone, median of three runs). Then ``bench/ui_bench.py``
(dashboard paint latency; start-up of the dashboard, the kiosk and a hello-world
Textual app) and ``bench/room_bench.py`` (30 kiosk processes answering at once; an
answer in another process to the projector's frame; kiosk memory) run with the
10,000-answer session's path, and the JSON objects on their last lines are merged
into ours.

Prints a table, then as its very last line one JSON object with the figures at
10,000 answers (keys ``answers``, ``store_write_p50_ms``, ``store_write_p95_ms``,
``tinydb_default_p50_ms``, ``fsync_append_p50_ms``, ``report_10k_s``,
``rss_mb_10k``, ``room_kiosks``, ``room_failures``, ``room_answer_p95_ms``,
``cross_process_p95_ms``, ``startup_s``, ``kiosk_startup_s``,
``hello_textual_startup_s``, ``kiosk_uss_mb``, and more).

Then ``bench/serve_bench.py`` runs a room of 30 browser kiosks against a real
``coherence-tui serve`` on loopback (join burst, memory per kiosk, answering at one
answer every 2 s each) and its figures are merged too: ``serve_kiosks``,
``serve_join_p95_s``, ``serve_uss_mb_per_kiosk``, ``serve_rss_mb_per_kiosk``,
``serve_answer_p95_ms`` and more (see that file).

Usage: ``python bench/run.py [--dir DIR] [--keep]`` (DIR: where the session files
go; default a temporary directory, deleted afterwards unless ``--keep``).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402
from tinydb import TinyDB  # noqa: E402

from coherence_tui.domain.model import (  # noqa: E402
    FACTORS,
    LEVELS,
    Item,
    Level,
    Questionnaire,
    Scale,
    SessionSettings,
)
from coherence_tui.storage.store import CODE_ALPHABET, ImportRow, SessionStore  # noqa: E402

SIZES = (100, 1_000, 10_000)
ITEMS_PER_PARTICIPANT = 30
STORE_SAMPLE = 300
"""Durable answers timed at each size: the ones that bring the session to size."""
TINYDB_SAMPLE = 200
APPEND_SAMPLE = 300
REPORT_RUNS = 3
DEPARTMENTS = ("Sales", "Care", "IT", "Finance")
TIMESTAMP = "2026-11-24T09:00:00Z"


def bench_questionnaire() -> Questionnaire:
    """30 statements, 10 per factor, some reverse-worded."""
    items = [
        Item(
            id=f"{factor.value[0].upper()}{n:02d}",
            factor=factor,
            area=("feedback", "complaints", "channels", "processes", "it", "people")[n % 6],
            text=f"Benchmark statement {n} about {factor.value} in customer service.",
            reverse=n % 4 == 0,
        )
        for factor in FACTORS
        for n in range(1, ITEMS_PER_PARTICIPANT // len(FACTORS) + 1)
    ]
    return Questionnaire(
        id="bench",
        version="1",
        language="en",
        title="Benchmark questionnaire",
        company_type="general",
        scale=Scale(labels=("SD", "D", "N", "A", "SA"), dont_know="DK"),
        items=tuple(items),
    )


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


class Workshop:
    """Plausible answers: each level leans its own way on each factor."""

    def __init__(self, questionnaire: Questionnaire, seed: int) -> None:
        self.rng = random.Random(seed)
        self.items = questionnaire.items
        self.lean = {
            (level, factor): self.rng.uniform(-1.2, 1.6) for level in LEVELS for factor in FACTORS
        }
        self.used: set[str] = set()

    def code(self) -> str:
        while True:
            code = "".join(self.rng.choice(CODE_ALPHABET) for _ in range(6))
            if code not in self.used:
                self.used.add(code)
                return code

    def person(self) -> tuple[Level, str | None]:
        level = self.rng.choices(LEVELS, weights=(1, 3, 6))[0]
        return level, self.rng.choice(DEPARTMENTS)

    def value(self, level: Level, item: Item) -> int | None:
        if self.rng.random() < 0.05:
            return None
        raw = round(self.rng.gauss(self.lean[(level, item.factor)], 1.0))
        return max(-2, min(2, -raw if item.reverse else raw))

    def rows(self, answers: int) -> list[ImportRow]:
        rows: list[ImportRow] = []
        while len(rows) < answers:
            code, (level, department) = self.code(), self.person()
            for item in self.items[: answers - len(rows)]:
                rows.append(ImportRow(code, level, department, item.id, self.value(level, item)))
        return rows


def bench_store(folder: Path, size: int, seed: int) -> dict[str, Any]:
    """A session filled to ``size`` answers; the last ``STORE_SAMPLE`` written one by one."""
    questionnaire = bench_questionnaire()
    workshop = Workshop(questionnaire, seed)
    path = folder / f"store-{size}.json"
    store = SessionStore.create(
        path,
        name=f"bench-{size}",
        questionnaire=questionnaire,
        settings=SessionSettings(k=3, departments=DEPARTMENTS),
    )
    sample = min(STORE_SAMPLE, size)
    prefill = size - sample
    if prefill:
        store.import_answers(workshop.rows(prefill))
    writes: list[float] = []
    joins: list[float] = []
    clock = time.perf_counter
    while len(writes) < sample:
        level, department = workshop.person()
        start = clock()
        person = store.add_participant(level, department)
        joins.append(clock() - start)
        for item in questionnaire.items[: sample - len(writes)]:
            value = workshop.value(level, item)
            start = clock()
            store.record_answer(person.code, item.id, value)
            writes.append(clock() - start)
        store.finish_participant(person.code)
    start = clock()
    SessionStore.open(path).snapshot()
    opened = clock() - start
    answers = len(SessionStore.open(path).snapshot().answers)
    assert answers == size, f"expected {size} answers, found {answers}"
    return {
        "path": path,
        "answers": answers,
        "store_write_p50_ms": ms(percentile(writes, 50)),
        "store_write_p95_ms": ms(percentile(writes, 95)),
        "store_write_max_ms": ms(max(writes)),
        "store_add_participant_p50_ms": ms(percentile(joins, 50)),
        "store_open_snapshot_ms": ms(opened),
        "file_kb": round(path.stat().st_size / 1024, 1),
    }


def bench_two_kiosks(session: Path, folder: Path, seed: int) -> dict[str, Any]:
    """Two stores (two kiosks) taking turns on a copy of a session: each answer first reads
    the other's journal line under the lock. Also the dashboard's poll cost."""
    path = folder / f"kiosks-{session.name}"
    shutil.copyfile(session, path)
    workshop = Workshop(bench_questionnaire(), seed)
    kiosks = [SessionStore.open(path), SessionStore.open(path)]
    people = [kiosk.add_participant(*workshop.person()) for kiosk in kiosks]
    items = bench_questionnaire().items
    turns: list[float] = []
    for n in range(2 * ITEMS_PER_PARTICIPANT):
        kiosk, person = kiosks[n % 2], people[n % 2]
        start = time.perf_counter()
        kiosk.record_answer(person.code, items[n // 2].id, 1)
        turns.append(time.perf_counter() - start)
    dashboard = SessionStore.open(path)
    start = time.perf_counter()
    for _ in range(1000):
        dashboard.changed()
    poll = (time.perf_counter() - start) / 1000
    return {
        "two_kiosks_write_p50_ms": ms(percentile(turns, 50)),
        "two_kiosks_write_p95_ms": ms(percentile(turns, 95)),
        "changed_poll_us": round(poll * 1e6, 2),
    }


def bench_tinydb_default(folder: Path, size: int, seed: int) -> dict[str, Any]:
    """Plain TinyDB: one document per answer, default JSONStorage, pre-filled in one write."""
    workshop = Workshop(bench_questionnaire(), seed)
    path = folder / f"tinydb-{size}.json"
    sample = min(TINYDB_SAMPLE, size)
    docs = [
        {"participant": r.participant, "item": r.item, "value": r.value, "answered_at": TIMESTAMP}
        for r in workshop.rows(size)
    ]
    with TinyDB(path) as db:
        if size > sample:
            db.insert_multiple(docs[: size - sample])
        inserts = []
        for doc in docs[size - sample :]:
            start = time.perf_counter()
            db.insert(doc)
            inserts.append(time.perf_counter() - start)
        assert len(db) == size
    return {
        "tinydb_default_p50_ms": ms(percentile(inserts, 50)),
        "tinydb_default_p95_ms": ms(percentile(inserts, 95)),
    }


def bench_fsync_append(folder: Path) -> dict[str, Any]:
    """The floor: append one JSON line and fsync it, as a write-ahead log would."""
    path = folder / "append.jsonl"
    line = orjson.dumps({"participant": "ABC234", "item": "D01", "value": 1, "at": TIMESTAMP})
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    samples = []
    try:
        for _ in range(APPEND_SAMPLE):
            start = time.perf_counter()
            os.write(fd, line + b"\n")
            os.fsync(fd)
            samples.append(time.perf_counter() - start)
    finally:
        os.close(fd)
    return {
        "fsync_append_p50_ms": ms(percentile(samples, 50)),
        "fsync_append_p95_ms": ms(percentile(samples, 95)),
    }


MEASURE = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as report:
    report.write(f"{wall} {usage.ru_maxrss}")
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""
"""Runs a command and writes its wall time and peak RSS. A process started straight from
the bench inherits the bench's own peak RSS (fork copies it, exec keeps the larger), so
the command is started from this small launcher instead: its peak is the command's own."""


def run_measured(command: list[str], folder: Path) -> tuple[int, float, float, str]:
    """Exit code, wall seconds, peak RSS in MB (this child alone), last stderr line."""
    out_path, err_path = folder / "child.out", folder / "child.err"
    figures = folder / "child.measure"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        code = subprocess.call(
            [sys.executable, "-c", MEASURE, str(figures), *command],
            stdout=out,
            stderr=err,
            cwd=REPO,
        )
    wall, peak_kib = figures.read_text().split()
    lines = err_path.read_text(errors="replace").strip().splitlines()
    return code, float(wall), int(peak_kib) / 1024, lines[-1] if lines else ""


def bench_report(session: Path, folder: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "coherence_tui", "report", str(session), "--json"]
    walls, peaks = [], []
    for _ in range(REPORT_RUNS):
        code, wall, peak, last_error = run_measured(command, folder)
        if code != 0:
            return {
                "report_10k_s": None,
                "rss_mb_10k": None,
                "report_error": last_error or f"exit {code}",
            }
        walls.append(wall)
        peaks.append(peak)
    try:
        orjson.loads((folder / "child.out").read_bytes())
    except orjson.JSONDecodeError:
        return {"report_10k_s": None, "rss_mb_10k": None, "report_error": "output is not JSON"}
    return {
        "report_10k_s": round(statistics.median(walls), 3),
        "report_10k_max_s": round(max(walls), 3),
        "rss_mb_10k": round(max(peaks), 1),
    }


def bench_ui(session: Path) -> dict[str, Any]:
    return run_bench_script("ui_bench.py", str(session))


def bench_serve() -> dict[str, Any]:
    return run_bench_script("serve_bench.py", "--kiosks", "30", "--answers", "10", "--compare")


def run_bench_script(name: str, *args: str) -> dict[str, Any]:
    """Run ``bench/NAME`` and take the JSON object on its last line."""
    script = REPO / "bench" / name
    prefix = name.removesuffix(".py")
    if not script.exists():
        return {}
    try:
        proc = subprocess.run(
            [sys.executable, str(script), *args],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return {f"{prefix}_error": "timed out after 600 s"}
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"{prefix}| {line}", file=sys.stderr)
    try:
        figures = orjson.loads(lines[-1]) if lines else None
    except orjson.JSONDecodeError:
        figures = None
    if proc.returncode != 0 or not isinstance(figures, dict):
        tail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        return {f"{prefix}_error": tail}
    return figures


def fmt(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def print_table(rows: dict[int, dict[str, Any]]) -> None:
    columns = [
        ("answers", "answers"),
        ("store_write_p50_ms", "ours p50 ms"),
        ("store_write_p95_ms", "ours p95 ms"),
        ("store_write_max_ms", "ours max ms"),
        ("tinydb_default_p50_ms", "TinyDB p50 ms"),
        ("tinydb_default_p95_ms", "TinyDB p95 ms"),
        ("fsync_append_p50_ms", "append p50 ms"),
        ("store_open_snapshot_ms", "open ms"),
        ("file_kb", "file KB"),
    ]
    widths = [max(len(title), 8) for _, title in columns]
    print("  ".join(title.rjust(w) for (_, title), w in zip(columns, widths, strict=True)))
    for size in SIZES:
        cells = [fmt(rows[size].get(key)) for key, _ in columns]
        print("  ".join(cell.rjust(w) for cell, w in zip(cells, widths, strict=True)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, help="where to put the session files")
    parser.add_argument("--keep", action="store_true", help="keep the session files")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    # Every process the bench starts runs as an installed tool does, with its modules'
    # bytecode cached (pip compiles a wheel's at install); the first run of each writes it.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    folder = Path(tempfile.mkdtemp(prefix="coherence-bench-", dir=args.dir))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    started = time.perf_counter()
    try:
        rows: dict[int, dict[str, Any]] = {}
        for size in SIZES:
            print(f"... {size} answers", file=sys.stderr, flush=True)
            rows[size] = {
                **bench_store(folder, size, args.seed + size),
                **bench_tinydb_default(folder, size, args.seed + size),
                **bench_fsync_append(folder),
            }
        big = rows[SIZES[-1]]
        print(f"... report --json on {big['answers']} answers", file=sys.stderr, flush=True)
        big.update(bench_two_kiosks(big["path"], folder, args.seed))
        report = bench_report(big["path"], folder)
        print("... dashboard paint and start-up", file=sys.stderr, flush=True)
        ui = bench_ui(big["path"])
        print(f"... {big['answers']} answers: a room of kiosks", file=sys.stderr, flush=True)
        ui.update(run_bench_script("room_bench.py", str(big["path"])))
        print("... 30 browser kiosks on coherence-tui serve", file=sys.stderr, flush=True)
        serve = bench_serve()

        print()
        print(
            f"Session store benchmark ({os.cpu_count()} CPUs, load average before the run "
            f"{fmt(load)}, files in {folder})"
        )
        if load is not None and load > 0.5 * (os.cpu_count() or 1):
            print("Note: the machine was busy; tail latencies (p95, max) will read high.")
        print("Per-answer write latency; 'ours' is durable (a journal line, fdatasync'ed),")
        print("'TinyDB' is the default JSONStorage (in place, not crash-safe),")
        print("'append' is one fsync'ed JSON line: the disk's floor.")
        print()
        print_table(rows)
        print()
        print(
            f"Two kiosks taking turns on the {big['answers']}-answer session (each answer reads "
            f"the other's journal line): p50 {big['two_kiosks_write_p50_ms']:.2f} ms, "
            f"p95 {big['two_kiosks_write_p95_ms']:.2f} ms; "
            f"a dashboard's changed() poll: {big['changed_poll_us']:.1f} us"
        )
        if report.get("report_10k_s") is None:
            print(f"report --json, {big['answers']} answers: n/a ({report.get('report_error')})")
        else:
            print(
                f"report --json, {big['answers']} answers, whole process: "
                f"{report['report_10k_s']:.3f} s (median of {REPORT_RUNS}), "
                f"peak RSS {report['rss_mb_10k']:.1f} MB"
            )
        if ui:
            print("ui and room: " + ", ".join(f"{k}={fmt(v)}" for k, v in ui.items()))
        if serve:
            print("serve_bench: " + ", ".join(f"{k}={fmt(v)}" for k, v in serve.items()))
        print(f"Total bench time {time.perf_counter() - started:.1f} s")

        summary: dict[str, Any] = {key: value for key, value in big.items() if key != "path"}
        summary.update(report)
        summary["load_avg_1m"] = None if load is None else round(load, 2)
        for key, value in (*ui.items(), *serve.items()):
            summary.setdefault(key, value)
        summary["sizes"] = {
            str(size): {k: v for k, v in rows[size].items() if k != "path"} for size in SIZES
        }
        if args.keep:
            summary["session_10k"] = str(big["path"])
        print(orjson.dumps(summary).decode())
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

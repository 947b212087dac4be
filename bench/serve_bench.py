"""Browser kiosks benchmark: ``coherence-tui serve`` with a room of phones at once.

Usage: ``python bench/serve_bench.py [--kiosks 30] [--answers 10] [--compare]``
(``bench/run.py`` runs it and merges the JSON object on its last line).

A real ``coherence-tui serve`` subprocess on 127.0.0.1 (port chosen by the OS) serves a
fresh general-en session (30 statements, two departments). Simulated phones speak the
websocket protocol of textual.js (``tests/serve/clients.py``); every request goes to
loopback and every wait is bounded.

(a) Join burst: once the server has had time to start its warm spares (as it has
    in a room: it runs before the QR code goes up), ``--kiosks`` phones open the page
    in the same instant. For each, from
    just before its page request: the page and everything it loads (textual.js, the
    stylesheets, the font, gzip like a browser), the websocket, the welcome screen,
    then Enter, level 1, department 1, a tap on the instruction card (no thinking
    time) until "1 / N" (the first statement) has arrived:
    ``serve_join_p50_s`` / ``serve_join_p95_s`` / ``serve_join_max_s``.
(b) Memory with every phone connected: unique (USS) and resident (RSS) memory per
    kiosk process, mean over the kiosks (``serve_uss_mb_per_kiosk``,
    ``serve_rss_mb_per_kiosk``); the zygote's own USS is reported beside it.
(c) Answering: every phone answers ``--answers`` statements at one answer every 2 s
    (offsets spread over the first 2 s); from the key sent to the next statement's
    counter received at the websocket: ``serve_answer_p50_ms`` / ``serve_answer_p95_ms``.
    Every answer is then checked in the session file.

With ``--compare`` the join burst is measured a second time with ``--no-preload --warm 0``
(one fresh Python process per phone, as textual-serve does, minus its shell):
``serve_join_p95_s_no_preload``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
import psutil  # noqa: E402

from coherence_tui.storage.questionnaires import load  # noqa: E402
from coherence_tui.storage.store import SessionStore  # noqa: E402
from tests.serve.clients import KioskClient  # noqa: E402

PAGE_ASSETS = (
    "/static/ck/kiosk.js",
    "/static/ts/css/xterm.css",
    "/static/ck/kiosk.css",
    "/static/ck/fonts/DejaVuSansMono.ttf",
    "/static/ts/js/textual.js",
)
PACE_SECONDS = 2.0
ITEMS = len(load("general-en").items)
"""Statements of the shipped general-en questionnaire the bench session uses."""


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def new_session(folder: Path) -> Path:
    done = subprocess.run(
        [
            sys.executable, "-m", "coherence_tui", "new", "bench-room",
            "--questionnaire", "general-en", "--departments", "Sales,Care",
            "--pin", "2468", "--sessions-dir", str(folder),
        ],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return Path(done.stdout.strip().splitlines()[-1])


class Server:
    def __init__(self, session: Path, *extra: str) -> None:
        self.warm = 0 if "--no-preload" in extra or "--warm" in extra else 30
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coherence_tui", "serve", str(session), "--port", "0", *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        self.url = ""
        for _ in range(20):
            line = self.process.stdout.readline()
            if line.startswith("http"):
                self.url = line.strip()
                break
        parts = urlsplit(self.url)
        if parts.hostname != "127.0.0.1":
            self.stop()
            raise SystemExit(f"serve printed no loopback URL ({self.url!r})")
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = parts.path.rsplit("/", 1)[-1]

    def kiosks(self) -> tuple[list[psutil.Process], list[psutil.Process]]:
        """(kiosk processes, zygotes) under the server."""
        children = psutil.Process(self.process.pid).children(recursive=True)
        zygotes = [
            c
            for c in children
            if c.ppid() == self.process.pid
            and "coherence_tui.serve.zygote" in " ".join(c.cmdline())
        ]
        return [c for c in children if c not in zygotes], zygotes

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def _open_page(http: aiohttp.ClientSession, server: Server) -> None:
    async with http.get(server.url) as response:
        assert response.status == 200, response.status
        await response.read()
    for path in PAGE_ASSETS:
        async with http.get(server.base + path, headers={"Accept-Encoding": "gzip"}) as response:
            await response.read()


async def _join(server: Server, client: KioskClient, start: asyncio.Event) -> float:
    await start.wait()
    began = time.monotonic()
    async with aiohttp.ClientSession(auto_decompress=False) as page:
        await _open_page(page, server)
    await client.open(client_http[0])
    await client.join(total=ITEMS, instruction=True)
    return time.monotonic() - began


client_http: list[aiohttp.ClientSession] = []


async def join_burst(server: Server, count: int) -> tuple[list[KioskClient], list[float]]:
    clients = [KioskClient(server.base, server.token) for _ in range(count)]
    start = asyncio.Event()
    tasks = [asyncio.create_task(_join(server, c, start)) for c in clients]
    await asyncio.sleep(0.2)
    start.set()
    times = await asyncio.wait_for(asyncio.gather(*tasks), 300)
    return clients, list(times)


async def answering(clients: list[KioskClient], answers: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    latencies: list[float] = []

    async def phone(client: KioskClient) -> None:
        await asyncio.sleep(rng.uniform(0, PACE_SECONDS))
        for n in range(answers):
            due = time.monotonic() + PACE_SECONDS
            client.mark()
            sent = time.monotonic()
            await client.press(rng.choice("123450"))
            await client.wait_for(f"{n + 2} / {ITEMS}")
            latencies.append(time.monotonic() - sent)
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    await asyncio.wait_for(asyncio.gather(*(phone(c) for c in clients)), 600)
    return latencies


def kiosk_cpu(server: Server) -> dict[int, float]:
    return {p.pid: sum(p.cpu_times()[:2]) for p in server.kiosks()[0]}


async def warm_spares_ready(server: Server, kiosks: int) -> None:
    """Give the server the minute a facilitator gives it: its warm spares get ready."""
    if server.warm == 0:
        return
    wanted = min(server.warm, kiosks)
    for _ in range(240):  # at most two minutes
        if len(server.kiosks()[0]) >= wanted:
            break
        await asyncio.sleep(0.5)
    await asyncio.sleep(2.0)


def memory(server: Server) -> dict[str, float]:
    kiosks, zygotes = server.kiosks()
    uss = [p.memory_full_info().uss / 1e6 for p in kiosks]
    rss = [p.memory_info().rss / 1e6 for p in kiosks]
    zygote = [p.memory_full_info().uss / 1e6 for p in zygotes]
    cpu = [sum(p.cpu_times()[:2]) for p in kiosks]
    return {
        "serve_kiosk_cpu_s_mean": round(statistics.fmean(cpu), 3) if cpu else None,
        "serve_kiosk_processes": len(kiosks),
        "serve_uss_mb_per_kiosk": round(statistics.fmean(uss), 1) if uss else None,
        "serve_rss_mb_per_kiosk": round(statistics.fmean(rss), 1) if rss else None,
        "serve_zygote_uss_mb": round(zygote[0], 1) if zygote else None,
    }


async def scenario(server: Server, kiosks: int, answers: int, seed: int) -> dict[str, Any]:
    serving = psutil.Process(server.process.pid)
    await warm_spares_ready(server, kiosks)
    async with aiohttp.ClientSession() as http:
        client_http[:] = [http]
        before = sum(serving.cpu_times()[:2])
        kiosks_before = kiosk_cpu(server)
        clients, joins = await join_burst(server, kiosks)
        server_cpu = sum(serving.cpu_times()[:2]) - before
        kiosks_after = kiosk_cpu(server)
        burst_cpu = sum(kiosks_after.values()) - sum(kiosks_before.values())
        figures: dict[str, Any] = {
            "serve_kiosks": kiosks,
            "serve_join_p50_s": round(statistics.median(joins), 2),
            "serve_join_p95_s": round(percentile(joins, 95), 2),
            "serve_join_max_s": round(max(joins), 2),
            "serve_server_cpu_s_join_burst": round(server_cpu, 2),
            "serve_kiosk_cpu_s_per_join": round(burst_cpu / kiosks, 3),
        }
        await asyncio.sleep(1.0)
        figures.update(memory(server))
        if answers:
            latencies = await answering(clients, answers, seed)
            figures["serve_answer_p50_ms"] = round(statistics.median(latencies) * 1000, 1)
            figures["serve_answer_p95_ms"] = round(percentile(latencies, 95) * 1000, 1)
            figures["serve_answer_max_ms"] = round(max(latencies) * 1000, 1)
            figures["serve_answers"] = len(latencies)
        await asyncio.gather(*(c.drop() for c in clients))
    return figures


def run(kiosks: int, answers: int, compare: bool, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="coherence-serve-bench-") as folder:
        session = new_session(Path(folder))
        server = Server(session, "--max-kiosks", str(max(40, kiosks)))
        try:
            figures = asyncio.run(scenario(server, kiosks, answers, seed))
        finally:
            server.stop()
        stored = SessionStore.open(session).snapshot()
        figures["serve_answers_stored"] = len(stored.answers)
        figures["serve_answers_lost"] = figures.get("serve_answers", 0) - len(stored.answers)
        if compare:
            other = new_session(Path(folder) / "exec")
            server = Server(
                other, "--max-kiosks", str(max(40, kiosks)), "--no-preload", "--warm", "0"
            )
            try:
                plain = asyncio.run(scenario(server, kiosks, 0, seed))
            finally:
                server.stop()
            figures["serve_join_p95_s_no_preload"] = plain["serve_join_p95_s"]
            figures["serve_uss_mb_per_kiosk_no_preload"] = plain["serve_uss_mb_per_kiosk"]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=30)
    parser.add_argument("--answers", type=int, default=10)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    figures = run(args.kiosks, args.answers, args.compare, args.seed)
    figures["serve_load_avg_before"] = round(load, 2)
    for key, value in figures.items():
        print(f"{key:36} {value}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

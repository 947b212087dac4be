"""A pre-loaded parent that forks one browser kiosk per phone.

Started once by the server. It imports Textual and the kiosk (about 0.5 s and
most of a kiosk's memory), freezes those objects out of the garbage collector's
reach, then waits on a Unix socket. For each phone the server sends the size of
its terminal, the participant to continue (if any) and four pipe ends (stdin,
stdout, stderr, seat events); the zygote forks, the child puts the pipes in place
and runs the kiosk, and the zygote answers with the child's pid. A child starts in
milliseconds and shares the imported code's memory with the zygote
(copy-on-write), so 30 phones joining at once cost 30 small forks, not 30 Python
start-ups. The zygote ends when the server closes the socket; its children end
with it (``end_with_parent``).

Linux only (``fork`` with a loaded interpreter); the server falls back to one
process per phone elsewhere.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import socket
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from coherence_tui.serve.kiosk_main import end_with_parent, web_environment

PIPES = 4
"""stdin, stdout, stderr and the seat pipe of one kiosk."""


def _child(session: Path, lang: str | None, request: dict[str, Any], fds: list[int]) -> int:
    stdin, stdout, stderr, seat = fds
    for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2)):
        os.dup2(fd, target)
        os.close(fd)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    end_with_parent()
    os.environ["COLUMNS"] = str(int(request.get("width", 80)))
    os.environ["ROWS"] = str(int(request.get("height", 24)))
    from coherence_tui.serve.kiosk_main import run_kiosk

    resume = request.get("resume")
    return run_kiosk(session, lang=lang, resume=str(resume) if resume else None, seat_fd=seat)


def serve_forks(control: socket.socket, session: Path, lang: str | None) -> None:
    """Fork a kiosk for every request on ``control`` until it closes."""
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(control, 4096, PIPES)
        except InterruptedError:
            continue
        except OSError:
            return
        if not message:
            return
        if len(fds) != PIPES:
            for fd in fds:
                os.close(fd)
            control.send(b'{"error": "expected 4 pipes"}')
            continue
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                control.close()
                code = _child(session, lang, request, fds)
            except BaseException:  # noqa: BLE001 - the child must never return into the loop
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        for fd in fds:
            os.close(fd)
        control.send(json.dumps({"pid": pid}).encode())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coherence_tui.serve.zygote")
    parser.add_argument("session", type=Path)
    parser.add_argument("--control-fd", type=int, required=True)
    parser.add_argument("--lang", choices=("en", "pl"))
    args = parser.parse_args(argv)
    environment = web_environment(os.environ)  # before Textual is imported: it reads some
    os.environ.clear()
    os.environ.update(environment)
    end_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    from coherence_tui.serve.kiosk_main import preload

    preload()
    gc.collect()
    gc.freeze()
    control = socket.socket(fileno=args.control_fd)
    control.send(b'{"ready": true}')
    serve_forks(control, args.session, args.lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())

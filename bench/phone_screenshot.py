"""The README's phone screenshot: a statement in headless Chromium at 390x844 CSS px.

Usage: ``python bench/phone_screenshot.py [OUT.png]`` (default ``docs/phone-statement.png``).
Starts ``coherence-tui serve`` on 127.0.0.1 for a fresh general-en session, opens the
participant URL in Debian's chromium the size of a phone (device pixel ratio 2,
touch), taps "Front line" and "Sales", and saves the first statement.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from coherence_tui.domain.model import SessionSettings  # noqa: E402
from coherence_tui.domain.pin import hash_pin  # noqa: E402
from coherence_tui.storage.questionnaires import load  # noqa: E402
from coherence_tui.storage.store import SessionStore  # noqa: E402
from tests.serve.conftest import start_server  # noqa: E402
from tests.serve.test_browser import Phone, chromium  # noqa: E402


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "phone-statement.png"
    executable = chromium()
    if executable is None:
        raise SystemExit("no chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as folder:
        salt, digest = hash_pin("2468")
        session = Path(folder) / "acme.json"
        SessionStore.create(
            session,
            name="acme",
            questionnaire=load("general-en"),
            settings=SessionSettings(
                k=3, departments=("Sales", "Care"), pin_salt=salt, pin_hash=digest
            ),
        )
        server = start_server(session)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
                )
                phone = Phone(browser, server)
                phone.open(server.url)
                phone.tap("Front line")
                phone.tap("Sales")
                phone.find("1 / 30")
                phone.page.wait_for_timeout(500)
                phone.page.screenshot(path=str(out))
                browser.close()
                if phone.outside:
                    raise SystemExit(f"the page asked for {phone.outside}")
        finally:
            server.stop()
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

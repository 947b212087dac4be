"""The client report in a real headless Chromium: the key figures are on the rendered page,
nothing is fetched from anywhere, hostile text stays text, and it prints to a PDF.

Driven by Playwright's Python package with Debian's Chromium (``executable_path``), every
request the page makes intercepted: any request at all would fail the test (the page
holds everything, and its CSP forbids fetching).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from workshop import HOSTILE

from coherence_tui.output.export import render
from coherence_tui.output.textreport import signed
from coherence_tui.services.insights import after_reveal, snapshot_tally
from coherence_tui.storage.store import SessionStore

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on this machine: apt-get install chromium (CI installs it, .ci/run)",
)


def test_the_client_report_renders_its_key_figures_and_fetches_nothing(
    workshop: SessionStore, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    snapshot = workshop.snapshot()
    page_file = tmp_path / "client.html"
    page_file.write_text(render(snapshot, "html"), encoding="utf-8")
    tally = snapshot_tally(snapshot)
    report = tally.report()
    after = after_reveal(tally, report, snapshot.predictions)
    requests: list[str] = []
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            def intercept(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                if not url.startswith("file://"):
                    requests.append(url)
                    route.abort()  # type: ignore[attr-defined]
                else:
                    route.continue_()  # type: ignore[attr-defined]

            page.route("**/*", intercept)
            page.goto(page_file.as_uri())
            body = page.inner_text("body")
            svgs = page.locator("svg").count()
            queue_items = page.locator("section.item").count()
            pdf = page.pdf(format="A4")
        finally:
            browser.close()
    assert requests == [] and dialogs == []
    assert svgs >= 4  # the stool and the three gap charts
    assert queue_items == len(after.queue) > 0
    whole = report.groups["all"]
    assert f"{signed(whole.overall)} · " in body  # the stool's seat
    top = after.queue[0]
    assert top.item.text in body and top.item.prompts[0] in body
    assert f"Board − front line: {signed(top.gap)}" in body
    r05 = next(r for r in after.predictions if r.item_id == "R05")
    assert r05.actual is not None
    row = re.search(r"R05\s+.*?\s+80 %\s+55 %\s+(\d+) %", body, re.S)
    assert row is not None and int(row.group(1)) == round(r05.actual)
    assert "Head of Customer Care" in body and HOSTILE in body  # shown, never run
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

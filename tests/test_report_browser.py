"""The HTML report in a real browser: headless Chromium (Debian's package) driven by Playwright.

Each example's report, the small fixture's and the hostile-names fixture's open from a file
with no console error, no network request of any kind, no script running and no dialog; the
page fits its width; a full-page screenshot and a PDF are kept under test-artifacts/ for
people to look at; Chromium's print-to-PDF gives a real PDF.

Chromium is found at $CHROMIUM, else /usr/bin/chromium (.ci/run installs it). Without it the
tests fail under CI (CI=true) and are skipped, with the reason, elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from orglint.commands import main

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = ROOT / "examples"
# waivers in the examples expire against the day their golden files describe
TODAY = {"examples": "2026-11-22", "fixtures": "2026-01-15"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-first-run", "--disable-extensions",
        "--disable-features=Translate,OptimizationHints,MediaRouter"]


def orgs() -> list[Any]:
    found = [pytest.param(path, id=path.name) for path in sorted(EXAMPLES.iterdir())
             if (path / "orglint.yaml").is_file()] if EXAMPLES.is_dir() else []
    found += [pytest.param(FIXTURES / name, id=name) for name in (
        "report-small", "hostile-names", "report-empty", "report-broken", "report-plan",
        "report-large")]
    return found


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"browser tests cannot run in CI: {reason}")
    pytest.skip(reason)


def chromium_path() -> str:
    candidates = [os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    _unavailable("no Chromium: install Debian's chromium package or set CHROMIUM")
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


def render(folder: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    today = TODAY["examples"] if folder.parent == EXAMPLES else TODAY["fixtures"]
    monkeypatch.setenv("ORGLINT_TODAY", today)
    monkeypatch.chdir(folder)
    assert main(["report", "-o", str(target)]) == 0


class Watch:
    """Everything the page did that a self-contained, script-free report must never do."""

    def __init__(self, page: Any, own_url: str) -> None:
        self.own_url = own_url
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _request(self, request: Any) -> None:
        if request.url != self.own_url and not request.url.startswith("data:"):
            self.requests.append(request.url)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.mark.parametrize("folder", orgs())
def test_report_in_chromium(folder: Path, browser: Any, monkeypatch: pytest.MonkeyPatch,
                            tmp_path: Path) -> None:
    html = tmp_path / f"report-{folder.name}.html"
    render(folder, html, monkeypatch)
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    url = html.resolve().as_uri()
    watch = Watch(page, url)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(200)  # let any late script or request show itself
        # an event handler that slipped through as an attribute would fire on these
        page.evaluate("""() => document.querySelectorAll('*').forEach(node => {
            for (const kind of ['mouseover', 'click', 'focus', 'load', 'error']) {
                node.dispatchEvent(new Event(kind, {bubbles: true}));
            }
        })""")
        assert watch.errors == []
        assert watch.requests == []
        assert watch.dialogs == []
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
            "the report is wider than the window"
        headings = page.eval_on_selector_all("h2", "nodes => nodes.map(n => n.textContent)")
        assert headings[0] == "Executive summary"
        assert headings[-1] == "Appendix: every finding"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"report-{folder.name}.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.close()
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages >= 2
    (ARTIFACTS / f"report-{folder.name}.pdf").write_bytes(pdf)


@contextmanager
def opened(browser: Any, name: str, monkeypatch: pytest.MonkeyPatch,
           tmp_path: Path) -> Iterator[Any]:
    """A page showing the report of the fixture ``name``, closed afterwards."""
    html = tmp_path / f"{name}.html"
    render(FIXTURES / name, html, monkeypatch)
    page = browser.new_page()
    try:
        page.goto(html.resolve().as_uri())
        yield page
    finally:
        page.close()


def test_hostile_names_show_as_text(browser: Any, monkeypatch: pytest.MonkeyPatch,
                                    tmp_path: Path) -> None:
    with opened(browser, "hostile-names", monkeypatch, tmp_path) as page:
        assert page.inner_text("h1") == (
            "<script>window.__pwned = 'org'; alert(1)</script> & Co | {{ 7 * 7 }}: "
            "organisation audit")
        # the team names reach the page as text, in the matrix chart and its table
        matrix = page.inner_text("#boundaries table")
        assert "<script>window.__pwned = 'team'; alert(1)</script>" in matrix
        assert "<img src=x onerror=alert(1)>" in matrix
        tips = page.eval_on_selector_all("#boundaries svg title",
                                         "nodes => nodes.map(n => n.textContent)")
        assert ("<script>window.__pwned = 'team'; alert(1)</script> → <img src=x "
                "onerror=alert(1)>: contracted and owned (<style>body{display:none}</style>); "
                "on <iframe src=\"javascript:alert(1)\"></iframe>") in tips
        assert page.evaluate("document.querySelectorAll('img, iframe, script, marquee').length") == 0


def test_print_to_letter(browser: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The print stylesheet does not force a paper size: Letter works as A4 does."""
    with opened(browser, "report-small", monkeypatch, tmp_path) as page:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
        pdf = page.pdf(format="Letter", print_background=True)
    assert pdf.startswith(b"%PDF-")
    # Letter is 612 x 792 points
    assert re.search(rb"/MediaBox\s*\[\s*0 0 612 792\s*\]", pdf)


def test_printing_opens_every_group_of_findings(browser: Any, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    """On screen a rule with many findings is a closed group; on paper every finding shows."""
    with opened(browser, "report-large", monkeypatch, tmp_path) as page:
        closed = "details.rule:not([open]) tbody tr"
        assert page.locator("details.rule:not([open])").count() == 5
        assert not page.locator(closed).first.is_visible()
        page.emulate_media(media="print")
        assert page.locator(closed).first.is_visible()
        assert page.locator(closed).last.is_visible()


def test_a_grouped_matrix_fits_the_page_and_its_appendix_lists_every_boundary(
        browser: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """110 teams in a chain, none under another: the 39 busiest keep a row, the rest share
    "Other teams"; the chart fits the page and the appendix holds all 109 boundaries."""
    with opened(browser, "report-large", monkeypatch, tmp_path) as page:
        chart = page.locator("#boundaries svg")
        box = chart.bounding_box()
        assert box is not None and box["x"] >= 0
        assert box["x"] + box["width"] <= page.evaluate("document.documentElement.clientWidth")
        rows = chart.locator("text[text-anchor='end']").all_text_contents()
        assert len(rows) == 40 and rows[-1] == "Other teams"
        assert page.locator("#every-boundary tbody tr").count() == 109
        page.click("nav a[href='#every-boundary']")
        assert page.evaluate("location.hash") == "#every-boundary"
        assert page.locator("#every-boundary h2").is_visible()

"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded one)
against pytest-django's live server, with the demo's simulators in threads."""

import os
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MRMARKET_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium) "
            "or set MRMARKET_CHROMIUM; the tests never download a browser"
        )
    # Playwright's sync API runs an event loop in this thread; the test's own database
    # calls are ordinary synchronous ones and stay so.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# What a page may not print: the Content-Security-Policy refusing something (an eval, an
# inline script) or Alpine failing on an expression its CSP build cannot read.
CSP_TROUBLE = ("Content Security Policy", "Content-Security-Policy", "unsafe-eval", "CSP")


def page_trouble(messages: list[str]) -> list[str]:
    return [m for m in messages if any(word in m for word in CSP_TROUBLE) or "Alpine" in m]


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    messages: list[str] = []
    page.on(
        "console",
        lambda m: (
            messages.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: messages.append(f"uncaught: {error}"))
    yield page
    context.close()
    trouble = page_trouble(messages)
    assert not trouble, f"the pages printed CSP or Alpine errors: {trouble}"


class WorkerStandIn:
    """Takes every task the product enqueues, instead of a broker, and runs them on demand
    in the test's thread with the real task code: a worker without its process, so a test
    on SQLite can drive the funds loop and leave nothing behind on a shared broker."""

    def __init__(self) -> None:
        self.queue: deque[tuple[str, dict]] = deque()
        self.ran: list[str] = []

    def enqueue(self, name: str, kwargs: dict | None) -> None:
        self.queue.append((name, dict(kwargs or {})))

    def run_until(
        self,
        done: Callable[[], bool],
        *,
        beat: Callable[[], object] = lambda: None,
        beat_every_s: float = 0.5,
        timeout_s: float = 30,
    ) -> None:
        """Run queued tasks (a retry goes to the back of the queue) until `done()`, and
        `beat` as the periodic jobs would: every `beat_every_s`, or when nothing is queued."""
        from celery.exceptions import Retry

        from mrmarket.celery import app as celery_app

        deadline = time.monotonic() + timeout_s
        last_beat = 0.0
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"not done after {timeout_s}s; queued: {list(self.queue)}")
            if not self.queue or time.monotonic() - last_beat > beat_every_s:
                beat()
                last_beat = time.monotonic()
            if not self.queue:
                time.sleep(0.1)
                continue
            name, kwargs = self.queue.popleft()
            try:
                celery_app.tasks[name](**kwargs)
                self.ran.append(name)
            except Retry:
                self.queue.append((name, kwargs))
                time.sleep(0.05)


@pytest.fixture
def worker(monkeypatch) -> WorkerStandIn:
    from celery.app.task import Task

    from mrmarket.celery import app as celery_app

    celery_app.loader.import_default_modules()  # every app's tasks, as a worker loads them
    stand_in = WorkerStandIn()

    def apply_async(task: Task, args: object = None, kwargs: dict | None = None, **_: object):
        stand_in.enqueue(task.name, kwargs)

    def send_task(name: str, args: object = None, kwargs: dict | None = None, **_: object):
        stand_in.enqueue(name, kwargs)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setattr(celery_app, "send_task", send_task)
    return stand_in


# Where the tests leave a screenshot of each page at each width, for a person to look at
# without running anything (var/ is not committed).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)


class PageCheck:
    """Looks at the page the way the issue asks: at each width no horizontal scroll, axe-core
    finds no serious or critical violation, and a screenshot is written."""

    def __init__(self, page) -> None:
        self.page = page

    def __call__(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page = self.page
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)  # the chart redraws on resize
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        # Evaluated through the DevTools protocol, which the page's Content-Security-Policy
        # does not govern: a <script> tag of the test's own would be refused, as it should.
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.evaluate(AXE.read_text())
        results = page.evaluate("async () => await axe.run(document)")
        bad = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not bad, f"{name}: {bad}"
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def look(page) -> PageCheck:
    return PageCheck(page)

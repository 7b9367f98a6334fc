"""Weigh the public pages as a cheap phone downloads them, against a running server.

    .venv/bin/python bench/page_weight.py [--base-url URL] [PATH ...]

Starts no server: point it at one (``make run`` serves http://127.0.0.1:8000, the
default). Each path is loaded in Debian's headless Chromium (/usr/bin/chromium) through
Playwright, in a 360×740 phone viewport with the browser cache disabled, so every page
is measured as a first visit: the HTML and everything it pulls in (CSS, JavaScript,
images, fonts). The weight of a page is the sum of the bytes received for every
response, as Chromium's DevTools protocol reports them (``Network.loadingFinished``
``encodedDataLength``: what crossed the network, compressed if the server compressed
it, headers included — the cautious figure).

Issue 5's budget: no public page heavier than 300 kB before uploads. The table goes to
standard output, the same as JSON to ``bench/results/page-weight.json``; the exit
status is 1 when a page is over budget or could not be loaded.

``measure()`` is also what ``motcua/portal/tests/test_page_weight.py`` runs against
Django's test server, so the test and the script cannot drift apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_PATHS = [
    "/",
    "/thu-tuc/?q=dang+ky+khai+tu",
    "/thu-tuc/1.001193/",  # birth registration, a long real procedure record
    "/tra-cuu/",
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/dang-ky/",
]
BUDGET_BYTES = 300_000  # 300 kB, decimal kilobytes: the stricter reading
VIEWPORT = {"width": 360, "height": 740}
DEFAULT_OUTPUT = ROOT / "bench" / "results" / "page-weight.json"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageWeight:
    """What one page cost: bytes in total and by resource type (DevTools' names:
    Document, Stylesheet, Script, Image, Font, …)."""

    path: str
    status: int | None  # of the page itself; None when it could not be loaded
    bytes: int
    requests: int
    budget: int
    by_type: dict[str, int] = field(default_factory=dict)
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and self.status is not None and self.bytes <= self.budget

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "kB": round(self.bytes / 1000, 1), "passed": self.passed}


def measure(
    browser: Any, base_url: str, paths: list[str], budget: int = BUDGET_BYTES
) -> list[PageWeight]:
    """Load each path of ``base_url`` in a fresh phone-sized page of ``browser`` (a
    Playwright Chromium) with the cache disabled, and weigh it."""
    context = browser.new_context(viewport=VIEWPORT, locale="vi-VN", service_workers="block")
    try:
        return [_weigh(context, base_url.rstrip("/") + path, path, budget) for path in paths]
    finally:
        context.close()


def _weigh(context: Any, url: str, path: str, budget: int) -> PageWeight:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    types: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])),
    )
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    status: int | None = None
    error = ""
    try:
        response = page.goto(url, wait_until="load")
        page.wait_for_load_state("networkidle")
        status = response.status if response is not None else None
    except Exception as exc:  # a refused connection, a timeout: reported, not raised
        error = str(exc).splitlines()[0]
    finally:
        cdp.detach()
        page.close()
    by_type: dict[str, int] = {}
    for request_id, size in sizes.items():
        kind = types.get(request_id, "Other")
        by_type[kind] = by_type.get(kind, 0) + size
    return PageWeight(
        path=path,
        status=status,
        bytes=sum(sizes.values()),
        requests=len(sizes),
        budget=budget,
        by_type=dict(sorted(by_type.items())),
        error=error,
    )


def table(results: list[PageWeight]) -> str:
    """The results as a fixed-width text table, one page per line."""
    lines = [f"{'page':<34} {'status':>6} {'req':>4} {'kB':>7} {'budget':>7}  result  by type (kB)"]
    for r in results:
        types = ", ".join(f"{kind} {size / 1000:.1f}" for kind, size in r.by_type.items())
        verdict = "ok" if r.passed else "FAIL"
        lines.append(
            f"{r.path[:34]:<34} {r.status or '—':>6} {r.requests:>4} {r.bytes / 1000:>7.1f} "
            f"{r.budget / 1000:>7.0f}  {verdict:<6}  {r.error or types}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS, help="paths to weigh")
    parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the running server")
    parser.add_argument(
        "--budget-kb", type=float, default=BUDGET_BYTES / 1000, help="budget per page, kB"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON report")
    args = parser.parse_args(argv)
    budget = int(args.budget_kb * 1000)

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            results = measure(browser, args.base_url, args.paths, budget)
        finally:
            browser.close()

    print(table(results))
    for r in results:
        if r.status is not None and r.status != 200:
            print(f"note: {r.path} answered {r.status}", file=sys.stderr)
    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "base_url": args.base_url,
        "viewport": VIEWPORT,
        "cache": "disabled",
        "metric": "sum of Network.loadingFinished encodedDataLength per page",
        "budget_bytes": budget,
        "passed": all(r.passed for r in results),
        "pages": [r.as_json() for r in results],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    print(f"→ {args.output}", file=sys.stderr)
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""The built site in a real browser: Debian's /usr/bin/chromium driven by Playwright (its own browser download
does not work here). Skipped without chromium, except under CI=true, where it must run.

Checks the Why-3-replicas page's numbers, the diagram rendered to an SVG by the locally served mermaid, search
finding a rule by its id, a finding's link opening the manifest at its line, and that no request left
127.0.0.1. A screenshot of each page is saved in the test's tmp dir.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.test_docs_site import ROOT, _build

CHROMIUM = Path("/usr/bin/chromium")
MERMAID = ROOT / "docs" / "assets" / "vendor" / "mermaid.min.js"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytestmark.append(pytest.mark.skip(reason="no /usr/bin/chromium (apt-get install chromium)"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not MERMAID.is_file():  # the pinned npm package, as `make docs` fetches it
        subprocess.run(["make", "mermaid"], cwd=ROOT, check=True, timeout=300)
    site = tmp_path_factory.mktemp("browser-site")
    done = _build(ROOT / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_site_in_chromium(served: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()

        def guard(route: object) -> None:
            request = route.request  # type: ignore[attr-defined]
            if urlparse(request.url).hostname != "127.0.0.1":
                outside.append(request.url)
                route.abort()  # type: ignore[attr-defined]
            else:
                route.continue_()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        # Material renders each diagram into a closed shadow root; open it so the test can see the SVG.
        page.add_init_script("const attach = Element.prototype.attachShadow; Element.prototype.attachShadow = "
                             "function (init) { return attach.call(this, {...init, mode: 'open'}); };")
        page.goto(served + "why-3-replicas/")
        rows = [" ".join(row.split()) for row in page.locator("table tbody tr").all_inner_texts()]
        assert any(r.startswith("default model server Deployment default/vllm-qwen3-sim 3 ") for r in rows), rows
        assert any(r.startswith("default endpoint picker Deployment default/vllm-qwen3-sim-epp 1 off 1 0")
                   for r in rows), rows
        assert any(r.startswith("leader-election endpoint picker Deployment default/vllm-qwen3-sim-epp 3 on 1 2")
                   for r in rows), rows
        page.wait_for_selector(".mermaid svg", timeout=15000)
        assert "vllm-qwen3-sim" in page.locator(".mermaid svg").first.text_content()
        page.screenshot(path=str(tmp_path / "why-3-replicas.png"), full_page=True)

        page.keyboard.press("/")
        page.locator("input.md-search__input").press_sequentially("GIE040", delay=20)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        assert "GIE040" in page.locator(".md-search-result__item").first.inner_text()

        page.goto(served + "results/")
        link = page.locator('a[href*="manifests/examples/broken/"][href*="#L"]').first
        href = link.get_attribute("href") or ""
        line = href.rsplit("#L", 1)[1]
        link.click()
        page.wait_for_load_state()
        assert page.url.endswith(f"#L{line}")
        assert page.locator(f"#L{line}").is_visible()
        assert page.evaluate("location.hash") == f"#L{line}"
        page.screenshot(path=str(tmp_path / "manifest.png"))
        browser.close()
    assert outside == []

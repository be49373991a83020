"""The embed's weight: the loader gzipped, and the bytes and requests of its first view.

    .venv/bin/python bench/embed.py

Serves the app (a fresh SQLite copy with the test directory and one partner) on 127.0.0.1
and a partner's page on http://localhost, opens the page in headless Chromium (Debian's
/usr/bin/chromium) and counts every request until the widget has loaded and sized itself.
Goals: loader <= 2 KB gzipped; the first view's JavaScript and CSS <= 10 KB gzipped; no
request to any third party.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402
from werkzeug.wrappers import Response  # noqa: E402

from tests.apps import make_config, migrate  # noqa: E402
from tests.embed.support import add_partner  # noqa: E402
from tests.webapp.data import load_test_directory  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.app_state import app_state  # noqa: E402

SLUG = "treaty-at-next-summit"
LOADER_GOAL = 2048
FIRST_VIEW_GOAL = 10 * 1024


class Quiet(WSGIRequestHandler):
    def log_request(self, *args):
        pass


def serve(app) -> tuple[object, str]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"127.0.0.1:{server.server_port}"


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def main() -> int:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="embed-bench-"))
    app = create_app(make_config(work, f"sqlite:///{work / 'app.sqlite3'}"))
    migrate(app)
    load_test_directory(app)
    app_server, app_host = serve(app)
    app_url = f"http://{app_host}"

    holder: dict[str, str] = {}

    def host(environ, start_response):
        return Response(holder["page"], mimetype="text/html")(environ, start_response)

    host_server, host_host = serve(host)
    host_url = "http://localhost:" + host_host.split(":")[1]
    add_partner(app, code="bench", origins=(host_url,))
    holder["page"] = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Partner</title></head><body>'
        f'<script src="{app_url}/embed.js" data-campaign="{SLUG}" data-partner="bench" '
        'async></script></body></html>')

    loader = (ROOT / "webapp/static/embed.js").read_bytes()
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        page = browser.new_page()
        page.on("requestfinished", lambda r: rows.append(r))
        page.goto(host_url)
        page.wait_for_function(
            "() => { const f = document.querySelector('iframe');"
            " return f && f.style.height !== '640px'; }", timeout=15_000)
        page.wait_for_load_state("networkidle")
        measured = []
        for request in rows:
            response = request.response()
            body = response.body() if response else b""
            measured.append((request.url, request.resource_type, len(body), gz(body)))
        browser.close()
    host_server.shutdown()
    app_server.shutdown()
    app_state(app).database.dispose()

    origins = {urlsplit(app_url).netloc, urlsplit(host_url).netloc}
    third_party = [url for url, *_ in measured
                   if urlsplit(url).scheme in {"http", "https"}
                   and urlsplit(url).netloc not in origins]
    embed = [m for m in measured if urlsplit(m[0]).netloc == urlsplit(app_url).netloc]
    js_css = [m for m in embed if m[1] in {"script", "stylesheet"}]

    print(f"loader embed.js: {len(loader)} B, {gz(loader)} B gzipped "
          f"(goal <= {LOADER_GOAL}: {'ok' if gz(loader) <= LOADER_GOAL else 'OVER'})")
    print(f"embed's first view: {len(embed)} requests to the app")
    for url, kind, size, gzipped in embed:
        path = urlsplit(url).path
        print(f"  {kind:<11} {path[:60]:<60} {size:>7} B {gzipped:>6} B gz")
    total = sum(m[2] for m in embed)
    total_gz = sum(m[3] for m in embed)
    js_css_gz = sum(m[3] for m in js_css)
    print(f"  all: {total} B, {total_gz} B gzipped")
    print(f"  JavaScript and CSS: {sum(m[2] for m in js_css)} B, {js_css_gz} B gzipped "
          f"(goal <= {FIRST_VIEW_GOAL}: {'ok' if js_css_gz <= FIRST_VIEW_GOAL else 'OVER'})")
    print(f"requests to third parties: {len(third_party)} {third_party or ''}".rstrip())
    ok = gz(loader) <= LOADER_GOAL and js_css_gz <= FIRST_VIEW_GOAL and not third_party
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

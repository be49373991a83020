"""The widget's weight on the wire: the loader, the frame's first page and each file it loads.

    .venv/bin/python bench/embed.py [--baseline REF-OR-DIR]

Serves the app under gunicorn (as the Procfile does, on 127.0.0.1 and a free port; one sync
worker, since the bytes do not depend on how many) on a fresh SQLite database set up by `flask
setup`, with one partner, and asks for what a visitor of the partner's page costs: the loader
(/embed.js), the frame's first page (/embed/<partner>/<campaign>, in English) and each file
that page names (stylesheets, scripts, images, and what a stylesheet imports). Requests made
by scripts once they run are not seen here; tests/browser/ drive the widget in Chromium.

Each resource is fetched four times over a new connection each: without Accept-Encoding, with
gzip only, with Brotli only, and as a browser asks (gzip, deflate, br, zstd). What came back is
counted as received: the body (chunk framing included) and the headers apart. Each compressed
body is decoded and checked against the plain one (the page differs per request only by its
nonce and token, so it is checked to be whole). Then the cache: each file's Cache-Control, and
its answer to a revalidation with the validator it came with (ETag, else Last-Modified). A
repeat view is what the same visitor's next view costs: the page again, nothing for a file
still fresh, a revalidation for the others.

With --baseline, the same is measured in the same run against the app at another commit (a git
REF, checked out in a worktree that is removed afterwards) or in a checkout DIR (left as it
is), served the same way, and printed beside this checkout's figures.

Goals (issue 19), as a browser asks, bodies: the loader <= 2 KB; the first view (loader, page
and its files) <= 10 KB; no file from a third party; every file that the page names has a
versioned URL that may be cached and revalidates with a 304, and the loader (whose URL never
changes) a short max-age and a validator that gives a 304. The headers are printed, not judged.

This is a benchmark: it prints figures and PASS/FAIL against the goals, it is not a test.
"""

from __future__ import annotations

import argparse
import gzip
import re
import shutil
import socket
import sys
import tempfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import brotli

try:
    from compression import zstd  # Python 3.14
except ImportError:
    from backports import zstd  # Flask-Compress's own dependency before 3.14

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from submit_path import (  # noqa: E402
    ROOT,
    SLUG,
    baseline_checkout,
    dechunk,
    flask,
    real_env,
    remove_checkout,
    start_gunicorn,
)

PARTNER = "bench"
PARTNER_ORIGIN = "https://partner.example"
LOADER_GOAL = 2048
FIRST_VIEW_GOAL = 10 * 1024
# The loader's URL is pasted into partners' pages and never changes: its copies must not
# outlive a deploy by long.
LOADER_MAX_AGE_LIMIT = 3600

BROWSER = "gzip, deflate, br, zstd"  # what Chromium and Firefox send
VARIANTS = (("plain", None), ("gzip", "gzip"), ("br", "br"), ("browser", BROWSER))


# --------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    header_bytes: int  # status line and headers, with the blank line after them
    body_bytes: int  # as received: compressed, with chunk framing if chunked
    body: bytes  # decoded: de-chunked and decompressed


def decode(data: bytes, coding: str) -> bytes:
    if coding in ("", "identity"):
        return data
    if coding == "gzip":
        return gzip.decompress(data)
    if coding == "br":
        return brotli.decompress(data)
    if coding == "zstd":
        return zstd.decompress(data)
    if coding == "deflate":
        return zlib.decompress(data)
    raise ValueError(f"unknown Content-Encoding {coding!r}")


def get(url: str, accept_encoding: str | None = None, extra: dict[str, str] | None = None
        ) -> Answer:
    """One GET over a new connection, counted as it came over the wire."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    head = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close",
            "User-Agent: bench/embed", "Accept-Language: en"]
    if accept_encoding is not None:
        head.append(f"Accept-Encoding: {accept_encoding}")
    head += [f"{name}: {value}" for name, value in (extra or {}).items()]
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=30) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    header_block, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        headers[name] = f"{headers[name]}, {value.strip()}" if name in headers else value.strip()
    body = payload
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = dechunk(body)
    body = decode(body, headers.get("content-encoding", "").strip().lower())
    return Answer(int(lines[0].split()[1]), headers, len(header_block) + 4, len(payload), body)


# --------------------------------------------------------------------------- what a page loads


class Subresources(HTMLParser):
    """The URLs a page makes the browser load by itself: stylesheets, scripts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        rel = set(values.get("rel", "").lower().split())
        url = ""
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "modulepreload"}:
            url = values.get("href", "")
        elif tag in {"script", "img", "iframe", "source", "audio", "video"}:
            url = values.get("src", "")
        if url and not url.startswith("data:"):
            self.urls.append(url)


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def css_urls(text: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(text) if not (a or b).startswith("data:")]


# --------------------------------------------------------------------------- one server


@dataclass
class Resource:
    kind: str  # loader, page, stylesheet, script...
    url: str
    answers: dict[str, Answer] = field(default_factory=dict)  # per variant
    revalidation: Answer | None = None

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def cache_control(self) -> str:
        return self.answers["browser"].headers.get("cache-control", "")

    def max_age(self) -> int:
        directives = {d.strip().split("=")[0]: d.strip() for d in self.cache_control.split(",")}
        if "no-store" in directives or "no-cache" in directives or "max-age" not in directives:
            return 0
        return int(directives["max-age"].split("=")[1])

    def repeat_cost(self) -> tuple[int, int]:
        """(requests, bytes) this resource costs the next view."""
        if self.kind != "page":
            if self.max_age() > 0:
                return 0, 0
            if self.revalidation is not None and self.revalidation.status == 304:
                return 1, self.revalidation.header_bytes + self.revalidation.body_bytes
        answer = self.answers["browser"]
        return 1, answer.header_bytes + answer.body_bytes


def fetch(resource: Resource, problems: list[str]) -> None:
    for name, accept in VARIANTS:
        resource.answers[name] = answer = get(resource.url, accept)
        if answer.status != 200:
            problems.append(f"{resource.path} ({name}): status {answer.status}")
    plain = resource.answers["plain"].body
    for name, answer in resource.answers.items():
        if resource.kind == "page":
            if not answer.body.rstrip().endswith(b"</html>"):
                problems.append(f"{resource.path} ({name}): the page came back cut or garbled")
        elif answer.body != plain:
            problems.append(f"{resource.path} ({name}): decoded body differs from the plain one")
    if resource.kind == "page":
        return
    browser = resource.answers["browser"].headers
    if "etag" in browser:
        resource.revalidation = get(resource.url, BROWSER, {"If-None-Match": browser["etag"]})
    elif "last-modified" in browser:
        resource.revalidation = get(resource.url, BROWSER,
                                    {"If-Modified-Since": browser["last-modified"]})


@dataclass
class Measured:
    name: str
    resources: list[Resource]
    third_party: list[str]
    problems: list[str]

    def by_path(self) -> dict[str, Resource]:
        return {r.path: r for r in self.resources}

    def first_view(self, variant: str, with_loader: bool = True) -> int:
        return sum(r.answers[variant].body_bytes for r in self.resources
                   if with_loader or r.kind != "loader")

    def first_view_headers(self) -> int:
        return sum(r.answers["browser"].header_bytes for r in self.resources)

    def repeat_view(self) -> tuple[int, int]:
        costs = [r.repeat_cost() for r in self.resources]
        return sum(c[0] for c in costs), sum(c[1] for c in costs)

    def goals(self) -> list[tuple[str, bool]]:
        loader = next(r for r in self.resources if r.kind == "loader")
        files = [r for r in self.resources if r.kind not in {"loader", "page"}]
        loader_304 = loader.revalidation is not None and loader.revalidation.status == 304
        return [
            (f"loader <= {LOADER_GOAL} B", loader.answers["browser"].body_bytes <= LOADER_GOAL),
            (f"first view <= {FIRST_VIEW_GOAL} B", self.first_view("browser") <= FIRST_VIEW_GOAL),
            ("no third-party file", not self.third_party),
            ("files: versioned URL, cached, 304 on revalidation",
             bool(files) and all("v=" in urlsplit(r.url).query and r.max_age() > 0
                                 and r.revalidation is not None
                                 and r.revalidation.status == 304 for r in files)),
            (f"loader: 0 < max-age <= {LOADER_MAX_AGE_LIMIT}, 304 on revalidation",
             0 < loader.max_age() <= LOADER_MAX_AGE_LIMIT and loader_304),
            ("every answer whole and decodable", not self.problems),
        ]


def measure(name: str, root: Path, tmp: Path) -> Measured:
    print(f"{name}: {root}")
    env = real_env(tmp, root)
    Path(env["INSTANCE_PATH"]).mkdir(parents=True, exist_ok=True)
    flask(env, "setup")
    flask(env, "partners", "create", PARTNER, "--name", "Greens for AI Safety",
          "--origin", PARTNER_ORIGIN, "--privacy-url", f"{PARTNER_ORIGIN}/privacy",
          "--consent-text", "Yes, Greens for AI Safety may e-mail me about their work.")
    server = start_gunicorn(name, "webapp:create_app()", env, root, 1, tmp, "/embed.js")
    try:
        base = f"http://127.0.0.1:{server.port}"
        problems: list[str] = []
        loader = Resource("loader", f"{base}/embed.js")
        page = Resource("page", f"{base}/embed/{PARTNER}/{SLUG}?origin={PARTNER_ORIGIN}&lang=en")
        resources = [loader, page]
        fetch(loader, problems)
        fetch(page, problems)
        parser = Subresources()
        parser.feed(page.answers["browser"].body.decode())
        third_party: list[str] = []
        queue = [("file", urljoin(page.url, url)) for url in parser.urls]
        seen: set[str] = set()
        while queue:
            kind, url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if urlsplit(url).netloc != urlsplit(base).netloc:
                third_party.append(url)
                continue
            resource = Resource(kind, url)
            fetch(resource, problems)
            resources.append(resource)
            mimetype = resource.answers["plain"].headers.get("content-type", "")
            if mimetype.startswith("text/css"):
                resource.kind = "stylesheet"
                queue += [("file", urljoin(url, u)) for u in css_urls(resource.answers["plain"]
                                                                     .body.decode())]
            elif "javascript" in mimetype:
                resource.kind = "script"
    finally:
        server.stop()
    return Measured(name, resources, third_party, problems)


# --------------------------------------------------------------------------- report


def cells(resource: Resource | None) -> str:
    if resource is None:
        return f"{'-':>6} {'-':>6} {'-':>6} {'-':>6} {'':<4} {'-':>5}"
    a = resource.answers
    coding = a["browser"].headers.get("content-encoding", "-")
    return (f"{a['plain'].body_bytes:>6} {a['gzip'].body_bytes:>6} {a['br'].body_bytes:>6} "
            f"{a['browser'].body_bytes:>6} {coding:<4} {a['browser'].header_bytes:>5}")


def cache_cell(resource: Resource) -> str:
    if resource.kind == "page":
        return resource.cache_control
    answer = resource.revalidation
    status = answer.status if answer else "no validator"
    return f"{resource.cache_control or '(none)'}; revalidated: {status}"


def report(runs: list[Measured]) -> None:
    current = runs[0]
    others = runs[1:]
    header = (f"{'plain':>6} {'gzip':>6} {'br':>6} {'brows.':>6} {'enc':<4} {'hdrs':>5}")
    print("\nBodies in bytes as received (plain: no Accept-Encoding; brows.: as a browser asks, "
          "enc: what it got), hdrs: the headers' bytes of the browser's answer.")
    print(f"{'':<34} {current.name:^40}" + "".join(f"   {o.name:^40}" for o in others))
    print(f"{'':<34} {header}" + "".join(f"   {header}" for _ in others))
    paths = list(current.by_path())
    for other in others:
        paths += [p for p in other.by_path() if p not in paths]
    for path in paths:
        mine = current.by_path().get(path)
        kind = (mine or next(o.by_path()[path] for o in others if path in o.by_path())).kind
        label = f"{kind} {path}"
        print(f"{label[:34]:<34} {cells(mine)}"
              + "".join(f"   {cells(o.by_path().get(path))}" for o in others))
    for run in runs:
        print(f"\n{run.name}: first view as a browser asks: "
              f"{run.first_view('browser')} B of bodies "
              f"({run.first_view('browser', with_loader=False)} B without the loader), "
              f"{run.first_view_headers()} B of headers, "
              f"{len(run.resources)} requests; plain: {run.first_view('plain')} B")
        requests, size = run.repeat_view()
        print(f"  repeat view: {requests} requests, {size} B with headers")
        print("  cache:")
        for resource in run.resources:
            url = urlsplit(resource.url)
            shown = url.path + (f"?{url.query}" if url.query and resource.kind != "page" else "")
            print(f"    {shown[:50]:<50} {cache_cell(resource)}")
        for problem in run.problems:
            print(f"  problem: {problem}")
        if run.third_party:
            print(f"  third-party files: {run.third_party}")
    print("\nGoals" + "".join(f"{r.name:>14}" for r in runs))
    for index, (goal, _ok) in enumerate(current.goals()):
        marks = "".join(f"{'PASS' if r.goals()[index][1] else 'FAIL':>14}" for r in runs)
        print(f"  {goal:<56}{marks}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", metavar="REF-OR-DIR",
                        help="also measure the app at this git ref, or in this checkout")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="embed-bench-"))
    runs = []
    checkout = None
    try:
        runs.append(measure("this checkout", ROOT, tmp / "current"))
        if args.baseline:
            given = Path(args.baseline)
            if given.is_dir():
                root = given.resolve()
            else:
                root = checkout = baseline_checkout(args.baseline, tmp)
            runs.append(measure("baseline", root, tmp / "baseline-run"))
    finally:
        if checkout is not None:
            remove_checkout(checkout)
        shutil.rmtree(tmp, ignore_errors=True)
    report(runs)
    return 0 if all(ok for _, ok in runs[0].goals()) else 1


if __name__ == "__main__":
    sys.exit(main())

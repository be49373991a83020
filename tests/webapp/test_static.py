"""What goes over the wire (webapp/assets.py): compressed answers when the client accepts them,
static files under versioned URLs that browsers may keep, and the widget's loader under its
one URL, revalidated cheaply."""

from __future__ import annotations

import gzip
import hashlib
import re
import shutil
from pathlib import Path

import brotli
import pytest

from tests.apps import make_config
from tests.embed.support import PARTNER, PARTNER_ORIGIN, add_partner
from tests.webapp.flow import SLUG
from webapp import create_app
from webapp.app_state import app_state
from webapp.assets import StaticDigests

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"
EMBED_PAGE = (f"/embed/{PARTNER}/{SLUG}", {"origin": PARTNER_ORIGIN, "lang": "en"})
CAMPAIGN_PAGE = (f"/c/{SLUG}", {"lang": "en"})
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
YEAR = 365 * 24 * 3600


@pytest.fixture
def app(sqlite_template, tmp_path):
    # What goes over the wire does not depend on the database: SQLite only.
    path = tmp_path / "app.sqlite3"
    shutil.copy(sqlite_template, path)
    app = create_app(make_config(tmp_path, f"sqlite:///{path}"))
    add_partner(app)
    yield app
    app_state(app).database.dispose()


@pytest.fixture
def client(app):
    return app.test_client(use_cookies=False)


def get(client, url, headers=None):
    """A GET whose answer is read and closed (a static file's answer holds the file open)."""
    return client.get(url, headers=headers, buffered=True)


def static_urls(client, page) -> list[str]:
    path, query = page
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    urls = STATIC_URL.findall(response.get_data(as_text=True))
    assert urls
    return [url.replace("&amp;", "&") for url in urls]


def what_each_page_loads(client) -> list[str]:
    pages = (EMBED_PAGE, CAMPAIGN_PAGE)
    return sorted({url for page in pages for url in static_urls(client, page)})


@pytest.mark.parametrize("page", [EMBED_PAGE, CAMPAIGN_PAGE], ids=["embed", "campaign"])
def test_pages_are_compressed_only_when_accepted(client, page):
    path, query = page
    plain = client.get(path, query_string=query)
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]

    zipped = client.get(path, query_string=query, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    html = gzip.decompress(zipped.data)
    assert html.rstrip().endswith(b"</html>")
    assert len(zipped.data) < len(html) / 2
    # The page's own Cache-Control (webapp/security.py, the embed's views) is left as it was.
    assert zipped.headers.get("Cache-Control") == plain.headers.get("Cache-Control")


def test_static_files_and_loader_are_compressed_only_when_accepted(client):
    for url in [*what_each_page_loads(client), "/embed.js"]:
        plain = get(client, url)
        assert plain.status_code == 200, url
        assert "Content-Encoding" not in plain.headers, url
        zipped = get(client, url, {"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip", url
        assert gzip.decompress(zipped.data) == plain.data, url
        assert "Accept-Encoding" in zipped.headers["Vary"], url


def test_a_browser_gets_brotli(client):
    # What Chromium and Firefox send: Brotli is the smallest of them for files of our size.
    response = get(client, "/embed.js", {"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data) == (STATIC / "embed.js").read_bytes()


def test_a_range_of_a_static_file_is_sent_as_it_is(client):
    url = what_each_page_loads(client)[0]
    response = get(client, url, {"Accept-Encoding": "gzip", "Range": "bytes=0-99"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.headers["Content-Range"].startswith("bytes 0-99/")
    filename = url.split("?")[0].removeprefix("/static/")
    assert response.data == (STATIC / filename).read_bytes()[:100]


def test_every_static_url_of_the_pages_carries_the_files_digest(client):
    for url in what_each_page_loads(client):
        path, _, query = url.partition("?")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert query == "v=" + hashlib.sha256(content).hexdigest()[:12], url


def test_versioned_static_files_are_kept_a_year_and_revalidate_with_304(client):
    for url in what_each_page_loads(client):
        for encoding in ("", "gzip"):
            response = get(client, url, {"Accept-Encoding": encoding})
            cache = response.cache_control
            assert cache.public and cache.immutable and cache.max_age >= YEAR, url
            assert not cache.no_cache
            again = get(client, url, {"Accept-Encoding": encoding,
                                        "If-None-Match": response.headers["ETag"]})
            assert again.status_code == 304, url
            assert again.data == b""
            assert again.cache_control.max_age >= YEAR


@pytest.mark.parametrize("query", ["", "?v=000000000000"], ids=["no version", "other version"])
def test_a_static_url_without_the_current_digest_is_revalidated_every_time(client, query):
    # An old page after a deploy names the old digest: what it gets now must not stay a year.
    response = get(client, f"/static/app.css{query}")
    assert response.status_code == 200
    assert response.cache_control.no_cache
    assert not response.cache_control.max_age
    again = get(client, f"/static/app.css{query}", {"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_loader_keeps_its_url_with_a_short_max_age_and_an_etag(client):
    for encoding in ("", "gzip", "br"):
        response = get(client, "/embed.js", {"Accept-Encoding": encoding})
        assert response.status_code == 200
        assert response.cache_control.public
        assert 0 < response.cache_control.max_age <= 3600
        assert not response.cache_control.immutable
        etag = response.headers["ETag"]
        again = get(client, "/embed.js", {"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304, encoding
        assert again.data == b""


def test_an_edited_static_file_gets_a_new_digest_on_the_debug_server(tmp_path):
    (tmp_path / "site.css").write_text("body { color: red; }")
    digests = StaticDigests(str(tmp_path), recheck=True)
    first = digests.digest("site.css")
    assert first is not None and digests.digest("site.css") == first
    (tmp_path / "site.css").write_text("body { color: blue; }")
    assert digests.digest("site.css") not in {None, first}
    assert digests.digest("missing.css") is None
    assert digests.digest("../outside.css") is None


def test_a_served_static_file_is_read_once(tmp_path, monkeypatch):
    # Files change with a deploy, which starts new processes: a page's URLs cost no file access.
    (tmp_path / "site.css").write_text("body { color: red; }")
    digests = StaticDigests(str(tmp_path))
    first = digests.digest("site.css")
    (tmp_path / "site.css").write_text("body { color: blue; }")

    def no_file_access(*args, **kwargs):
        raise AssertionError("the file was looked at again")

    monkeypatch.setattr("webapp.assets.os.stat", no_file_access)
    monkeypatch.setattr("builtins.open", no_file_access)
    assert digests.digest("site.css") == digests.digest("./site.css") == first

"""Serve a built MkDocs site on 127.0.0.1 the way GitHub Pages does, and list its pages.

Used by the browser tests, ``benchmarks/lighthouse.py`` and ``tools/prerender_mermaid.py``.

* The site is mounted under the path of the ``site_url`` it was built for (e.g.
  ``/karpathy-dl-companion/``), so the 404 page, whose links are absolute, works as it
  will when deployed.
* Text responses are gzip-compressed when the client accepts it (GitHub Pages does).
* A missing file is answered with the site's ``404.html`` and status 404.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import mimetypes
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml", "application/x-ipynb+json")
EXTRA_TYPES = {
    ".mjs": "text/javascript",
    ".wasm": "application/wasm",  # compiled while it streams in (Pyodide)
    ".js": "text/javascript",
    ".woff2": "font/woff2",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ipynb": "application/x-ipynb+json",
    ".xml": "application/xml",
}


def site_prefix(site: Path) -> str:
    """URL path the site was built for (path of ``site_url``), read from the built
    sitemap.xml: ``/`` or e.g. ``/karpathy-dl-companion/``."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return "/"
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8"))
    paths = sorted((urlsplit(loc.strip()).path for loc in locs), key=len)
    path = paths[0] if paths else "/"
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to the site root
    (``""`` for the home page, ``"math/gradient-descent/"``…).

    Taken from sitemap.xml and cross-checked with the ``index.html`` files on disk,
    so pages added by anyone show up without a hard-coded list.
    """
    found: set[str] = set()
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        prefix = site_prefix(site)
        for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap.read_text(encoding="utf-8")):
            path = urlsplit(loc.strip()).path
            if path.startswith(prefix):
                path = path[len(prefix):]
            found.add(path.lstrip("/"))
    for index in site.rglob("index.html"):
        rel = index.parent.relative_to(site).as_posix()
        if rel.split("/")[0] in ("assets", "search"):
            continue
        found.add("" if rel == "." else rel + "/")
    return sorted(found, key=lambda p: (p.count("/"), p))


def gzipped(path: str) -> bool:
    """Whether the file is sent gzip-compressed (by its type, as GitHub Pages decides)."""
    ext = Path(path).suffix.lower()
    ctype = _Handler.extensions_map.get(ext) or mimetypes.guess_type(path)[0] or ""
    return ctype.startswith(COMPRESSIBLE)


class _Handler(SimpleHTTPRequestHandler):
    prefix = "/"
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def log_message(self, *args):  # quiet
        pass

    def _file_for(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(self.prefix):
            return None
        rel = path[len(self.prefix):]
        target = (Path(self.directory) / rel).resolve()
        if not str(target).startswith(str(Path(self.directory).resolve())):
            return None
        if target.is_dir():
            if not path.endswith("/"):
                return target  # redirected below
            target = target / "index.html"
        return target if target.is_file() else None

    def do_HEAD(self):
        self._respond(head=True)

    def do_GET(self):
        self._respond(head=False)

    def _respond(self, head: bool):
        path = urlsplit(self.path).path
        if path in ("", "/") and self.prefix != "/":
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        target = self._file_for()
        if target is not None and target.is_dir():
            self.send_response(301)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = 200
        if target is None:
            status = 404
            target = Path(self.directory) / "404.html"
        body = target.read_bytes() if target.is_file() else b"not found"
        ctype = self.guess_type(str(target))
        if ctype.startswith("text/") and "charset" not in ctype:
            ctype += "; charset=utf-8"
        gz = "gzip" in self.headers.get("Accept-Encoding", "") and gzipped(str(target))
        if gz:
            body = gzip.compress(body, compresslevel=6, mtime=0)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        if gz:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if not head:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)


@contextlib.contextmanager
def serve(site: Path, prefix: str | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (free port) in a thread; yields the base URL
    (``http://127.0.0.1:PORT/karpathy-dl-companion/``)."""
    prefix = prefix or site_prefix(site)
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()

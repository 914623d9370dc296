"""
HTTP servers on 127.0.0.1 for the link checker's tests: a source site that
answers each case the checker must tell apart, and a fake of the Wayback
Machine's availability API. Each records the requests it was sent.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ROBOTS = "User-agent: *\nDisallow: /private/\n"


class Server:
    """A threading HTTP server on a free loopback port, recording requests."""

    def __init__(self, routes):
        self.routes = routes  # path -> function(handler, method) -> (status, headers, body)
        self.requests = []  # (time, method, path, headers)
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, method):
                with server.lock:
                    server.requests.append((time.monotonic(), method, self.path, self.headers))
                    server.in_flight += 1
                    server.most_in_flight = max(server.most_in_flight, server.in_flight)
                try:
                    path = urlsplit(self.path).path
                    route = server.routes.get(path)
                    status, headers, body = route(self, method) if route else (404, {}, b"")
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    if method != "HEAD":
                        self.wfile.write(body)
                finally:
                    with server.lock:
                        server.in_flight -= 1

            def do_GET(self):
                self.answer("GET")

            def do_HEAD(self):
                self.answer("HEAD")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return self.base + path

    def paths(self, method=None):
        return [path for _, m, path, _ in self.requests if method in (None, m)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def ok(handler, method):
    return 200, {"Content-Type": "text/html"}, b"<p>The report.</p>"


def source_site(slow_seconds=2.0):
    """The cases, by path."""
    busy_calls = {"count": 0}

    def moved(handler, method):
        return 301, {"Location": "/new-home"}, b""

    def no_head(handler, method):
        return (405, {}, b"") if method == "HEAD" else ok(handler, method)

    def slow(handler, method):
        time.sleep(slow_seconds)
        return ok(handler, method)

    def busy_once(handler, method):
        busy_calls["count"] += 1
        if busy_calls["count"] == 1:
            return 429, {"Retry-After": "1"}, b""
        return ok(handler, method)

    def resting(handler, method):
        return 503, {"Retry-After": "3600"}, b""

    def leaves(handler, method):
        return 302, {"Location": "http://example.com/elsewhere"}, b""

    return {
        "/robots.txt": lambda h, m: (200, {"Content-Type": "text/plain"}, ROBOTS.encode()),
        "/ok": ok,
        "/new-home": ok,
        "/moved": moved,
        "/gone-404": lambda h, m: (404, {}, b""),
        "/gone-410": lambda h, m: (410, {}, b""),
        "/error": lambda h, m: (500, {}, b""),
        "/slow": slow,
        "/no-head": no_head,
        "/busy": busy_once,
        "/resting": resting,
        "/private/report": ok,
        "/leaves": leaves,
    }


def wayback_api(snapshots):
    """
    The availability API (``/wayback/available``): for a URL in ``snapshots``
    ({url: (timestamp, snapshot address)}), its documented JSON; for others,
    no snapshot. ``/save/...`` accepts captures.
    """

    def available(handler, method):
        query = parse_qs(urlsplit(handler.path).query)
        url = query.get("url", [""])[0]
        if url in snapshots:
            timestamp, address = snapshots[url]
            closest = {"available": True, "url": address, "timestamp": timestamp, "status": "200"}
            body = {"url": url, "archived_snapshots": {"closest": closest}}
        else:
            body = {"url": url, "archived_snapshots": {}}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

    routes = {"/wayback/available": available, "/robots.txt": lambda h, m: (404, {}, b"")}
    return routes


class SaveRoutes(dict):
    """Routes that answer any path under /save/ (the Save Page Now address)."""

    def get(self, path, default=None):
        if path.startswith("/save/"):
            return lambda h, m: (200, {}, b"saved")
        return super().get(path, default)

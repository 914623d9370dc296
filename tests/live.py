"""
Real servers for tests: gunicorn in a subprocess with the production
settings, and a small cookie-keeping browser to drive the admin through it.
"""

import http.client
import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup

from .admin_forms import form_values

PROJECT = Path(__file__).resolve().parent.parent
SECRET_KEY = "live-server-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides):
    """
    The environment of a production server on loopback: DEBUG off, a real
    secret key, only 127.0.0.1 allowed; no DJANGO_* variables of this run.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "WEB_CONCURRENCY"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    env.update(overrides)
    return env


def manage(env, *args):
    """Run ``manage.py`` with ``env``; its output on failure."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


class Server:
    """
    gunicorn serving the project with ``env``, on a free port (or ``port``),
    with the production configuration file unless ``config`` says otherwise.
    """

    def __init__(self, env, *args, log=None, config="config/gunicorn.py", port=None):
        self.port = port or free_port()
        self.log = log
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if config:
            command += ["--config", config]
        command += ["--bind", f"127.0.0.1:{self.port}", *args]
        output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.output())
            try:
                status = get(self.port, "/healthz", timeout=2)[0]
            except OSError:
                status = None
            if status in (200, 503, 301):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + self.output())

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def output(self):
        return Path(self.log).read_text() if self.log else ""

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def get(port, path, timeout=15, headers=None):
    """(status, headers, body, seconds) of one GET on its own connection."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        conn.close()


class PlainHTTPCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production settings' Secure cookies back over loopback HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A minimal cookie-keeping HTTP client, enough to drive the admin."""

    def __init__(self, follow_redirects=True):
        jar = http.cookiejar.CookieJar(policy=PlainHTTPCookiePolicy())
        handlers = [urllib.request.HTTPCookieProcessor(jar)]
        if not follow_redirects:
            handlers.append(NoRedirects())
        self.opener = urllib.request.build_opener(*handlers)

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def post(self, url, data, referer):
        """(status, final address, body) of a POST of ``data``; HTTP errors are answers too."""
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": referer})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode(errors="replace")

    def form(self, url, form_id):
        return form_values(BeautifulSoup(self.get(url), "html5lib"), form_id)

    def log_in(self, server, username, password):
        login = server.url("/admin/login/?next=/admin/")
        data = self.form(login, "login-form")
        data.update(username=username, password=password)
        status, final, _ = self.post(login, data, referer=login)
        assert final.endswith("/admin/"), (status, final)
        return self

"""
Slow clients do not take the site down.

A "slowloris" client opens a connection and sends its request a header line
every few seconds, never finishing. With gunicorn's default synchronous
workers, five such sockets held every worker until its timeout, and opening
them again kept the site down. The production setup survives it twice over:

* gunicorn alone (config/gunicorn.py) runs threaded workers, so a few slow
  sockets hold a few threads while the others serve;
* in front of it, nginx (config/nginx/atlas.conf) holds any number of slow
  connections itself, drops those that take longer than its header timeout,
  and passes gunicorn only complete requests.

Each test keeps slow sockets open on loopback (5 against gunicorn alone,
50 against nginx) for 7 to 12 s, reopening the ones that are dropped, while
/healthz must keep answering within a second.
"""

import shutil
import socket
import subprocess
import threading
import time
from http import HTTPStatus
from pathlib import Path

import pytest

from .live import PROJECT, Server, free_port, get, production_env

# Seconds of attack: long enough for a few header lines (one every 3 s), and
# behind nginx past its 10 s header timeout, so that dropped sockets reopen.
ALONE_SECONDS = 7
BEHIND_NGINX_SECONDS = 12


class Slowloris:
    """``count`` sockets to ``port``, each sending one more header line every 3 s."""

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.stopped = threading.Event()
        self.opened = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
        sock.sendall(b"GET /countries/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        self.opened += 1
        return sock

    @staticmethod
    def dropped(sock):
        """Whether the server closed ``sock`` (or answered it, with a 408 say)."""
        sock.setblocking(False)
        try:
            return sock.recv(1024, socket.MSG_PEEK) is not None
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            sock.setblocking(True)

    def run(self):
        sockets = [self.connect() for _ in range(self.count)]
        try:
            while not self.stopped.wait(3):
                for index, sock in enumerate(sockets):
                    if self.dropped(sock):  # by the server: open another
                        sock.close()
                        sockets[index] = self.connect()
                    else:
                        sock.sendall(b"X-Slow: still here\r\n")
        finally:
            for sock in sockets:
                sock.close()

    def __enter__(self):
        self.thread.start()
        time.sleep(0.5)  # every socket is open before the checks begin
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=10)


def health_while_attacked(port, seconds):
    """Seconds each /healthz took during the attack; it must answer 200 every time."""
    timings = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, _, body, seconds = get(port, "/healthz", timeout=10)
        assert status == HTTPStatus.OK, body[:200]
        timings.append(seconds)
        time.sleep(0.3)
    return timings


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    # /healthz asks the database for SELECT 1 only: an empty SQLite file will do.
    database = tmp_path_factory.mktemp("slow") / "empty.sqlite3"
    return production_env(DATABASE_URL=f"sqlite:///{database}", WEB_CONCURRENCY="2")


def test_gunicorn_alone_keeps_answering_with_slow_sockets_open(environment):
    with Server(environment) as server, Slowloris(server.port, 5):
        timings = health_while_attacked(server.port, ALONE_SECONDS)
    assert max(timings) < 1, timings


@pytest.fixture(scope="module")
def nginx(environment, tmp_path_factory):
    """nginx with the production include, in front of gunicorn, on free ports."""
    tmp_path = tmp_path_factory.mktemp("nginx")
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    include = PROJECT / "config" / "nginx" / "atlas.conf"
    behind_proxy = {**environment, "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    with Server(behind_proxy) as server:
        port = free_port()
        config = tmp_path / "nginx.conf"
        config.write_text(
            f"""
            worker_processes 1;
            pid {tmp_path}/nginx.pid;
            error_log {tmp_path}/error.log;
            events {{ worker_connections 1024; }}
            http {{
                access_log off;
                client_body_temp_path {tmp_path}/body;
                proxy_temp_path {tmp_path}/proxy;
                fastcgi_temp_path {tmp_path}/fastcgi;
                uwsgi_temp_path {tmp_path}/uwsgi;
                scgi_temp_path {tmp_path}/scgi;
                upstream atlas {{ server 127.0.0.1:{server.port}; keepalive 8; }}
                server {{
                    listen 127.0.0.1:{port};
                    include {include};
                }}
            }}
            """
        )
        process = subprocess.Popen(
            [binary, "-c", str(config), "-p", str(tmp_path), "-g", "daemon off;"],
            stderr=subprocess.PIPE,
        )
        for _ in range(50):
            try:
                if get(port, "/healthz", timeout=2)[0] == HTTPStatus.OK:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
            pytest.fail("nginx did not start: " + process.communicate()[1].decode())
        yield port, Path(tmp_path)
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.nginx
def test_behind_nginx_fifty_slow_sockets_cost_nothing(nginx):
    port, _ = nginx
    with Slowloris(port, 50) as attack:
        timings = health_while_attacked(port, BEHIND_NGINX_SECONDS)
    assert max(timings) < 1, timings
    # nginx dropped the sockets that were too slow, and they were opened again.
    assert attack.opened > 50


@pytest.mark.nginx
def test_nginx_passes_the_scheme_and_replaces_a_spoofed_one(nginx):
    port, _ = nginx
    status, headers, _, _ = get(port, "/healthz", headers={"X-Forwarded-Proto": "https"})
    assert status == HTTPStatus.OK
    # Through nginx on plain HTTP the scheme is http, whatever the client claimed.
    assert "Strict-Transport-Security" not in headers

"""
Outages: when the database cannot be reached, public pages answer 503 with a
friendly page (never a traceback, never a hung worker), /healthz answers 503
with the reason, and both recover by themselves when the database is back.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

from .helpers import parse
from .live import Server, production_env
from .tcp_proxy import TcpProxy, free_port

PROJECT = Path(__file__).resolve().parent.parent


def unreachable(request):
    raise OperationalError('connection to server at "db.internal" (10.0.0.5), port 5432 failed')


# This module doubles as a URLconf with a view whose database is down.
urlpatterns = [path("unreachable/", unreachable), *site_urlpatterns]


def test_healthz_reports_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.urls(__name__)
def test_a_database_error_is_a_friendly_503_page(db, caplog):
    response = Client(raise_request_exception=False).get("/unreachable/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    page = parse(response)
    assert page.h1.get_text(strip=True) == "Temporarily unavailable"
    # The reason goes to the log for the operators, not to the visitor.
    assert "db.internal" not in response.text and "OperationalError" not in response.text
    assert any("db.internal" in record.getMessage() for record in caplog.records)


# --- a real server, a real PostgreSQL, and an outage in between -------------------


def get(port, url, timeout=15):
    """(status, headers, body, seconds) of a GET as a browser behind a TLS proxy sends it."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", url, headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        body = response.read().decode()
        return response.status, dict(response.getheaders()), body, time.monotonic() - started
    finally:
        conn.close()


@pytest.fixture
def server_behind_proxy(transactional_db, tmp_path):
    """
    gunicorn serving the test database through a TCP proxy the test controls,
    with the production settings (plus an unhashed static storage).
    """
    from django.core.management import call_command

    call_command("loaddata", "mexico", verbosity=0)
    database = connection.settings_dict
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    proxy.start()
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "WEB_CONCURRENCY"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.server_settings",
        DJANGO_SECRET_KEY="outage-test-key",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        DJANGO_DB_CONNECT_TIMEOUT="2",
        DJANGO_DB_STATEMENT_TIMEOUT="2",
        DATABASE_URL=(
            f"postgres://{database['USER']}:{database['PASSWORD']}"
            f"@127.0.0.1:{proxy.port}/{database['NAME']}"
        ),
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1"),
                *("--timeout", "20", "--graceful-timeout", "1"),
            ],
            cwd=PROJECT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        for _ in range(100):
            try:
                if get(port, "/healthz", timeout=2)[0] == HTTPStatus.OK:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start:\n" + log.read_text())
        yield port, proxy, server, log
    finally:
        server.terminate()
        server.wait(timeout=10)
        proxy.stop()


@pytest.mark.postgres
def test_pages_answer_503_while_the_database_is_down_and_recover(server_behind_proxy):
    port, proxy, server, log = server_behind_proxy
    status, _, body, _ = get(port, "/countries/mexico/")
    assert status == HTTPStatus.OK and "Mexico" in body

    # The database server goes down: connections refused, open ones cut.
    proxy.stop()
    for url in ["/countries/mexico/", "/", "/citations/"]:
        status, headers, body, seconds = get(port, url)
        assert status == HTTPStatus.SERVICE_UNAVAILABLE, (url, body[:500])
        assert "Temporarily unavailable" in body
        assert "Traceback" not in body and "OperationalError" not in body
        assert headers["Retry-After"] == "30"
        assert "Content-Security-Policy" in headers
        assert seconds < 3
    status, _, body, _ = get(port, "/healthz")
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert json.loads(body) == {
        "status": "unavailable",
        "database": "unavailable",
        "reason": "database unavailable",
    }
    # Static files do not need the database.
    assert get(port, "/static/css/site.css")[0] == HTTPStatus.OK

    # The database host stops answering at all: the worker gives up after the
    # connect timeout (2 s here) instead of hanging, and tries once a request.
    proxy.start(hang=True)
    status, _, _, seconds = get(port, "/countries/mexico/")
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert seconds < 3.5
    proxy.stop()

    # The database is back: the same server answers normally again.
    proxy.start()
    status, _, body, _ = get(port, "/healthz")
    assert status == HTTPStatus.OK and json.loads(body)["status"] == "ok"
    status, _, body, _ = get(port, "/countries/mexico/")
    assert status == HTTPStatus.OK and "Mexico" in body

    assert server.poll() is None, "the server was restarted"
    output = log.read_text()
    assert "WORKER TIMEOUT" not in output and "Booting worker" in output
    assert output.count("Booting worker") == 1
    assert "Traceback" not in output
    assert "Database unavailable, answering 503" in output


@pytest.mark.postgres
def test_a_database_that_hangs_on_a_kept_connection_answers_503_in_time(server_behind_proxy):
    """
    The server (or a pgbouncer in front of it) stops answering while its
    machine still acknowledges every packet: no TCP timeout fires, and the
    server's own statement timeout never runs. The client's deadline does.
    """
    port, proxy, _, log = server_behind_proxy
    assert get(port, "/countries/mexico/")[0] == HTTPStatus.OK  # a kept connection now
    proxy.freeze()
    status, _, _, seconds = get(port, "/countries/mexico/", timeout=30)
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    # The statement timeout (2 s here) and the client's grace (2 s), then 503.
    assert seconds < 8
    proxy.stop()
    proxy.start()
    assert get(port, "/countries/mexico/")[0] == HTTPStatus.OK
    output = log.read_text()
    assert "did not answer within" in output and "WORKER TIMEOUT" not in output


# --- a kept connection to a database that the network stops delivering to ----------


@pytest.fixture
def database_across_a_link(transactional_db, tmp_path):
    """
    gunicorn reaching the test database across a virtual network link the
    test can cut: gunicorn → 10.a.b.2:5432 (a forwarder in a network
    namespace of its own) → 10.a.b.1 (a forwarder here) → PostgreSQL. Taking
    the namespace's end of the link down drops every packet, as a firewall or
    a dead switch does: nothing is refused, nothing answers.
    """
    from django.core.management import call_command

    call_command("loaddata", "mexico", verbosity=0)
    tag = os.getpid() % 200 + 20
    namespace, here, there = f"atlas-db-{tag}", f"atl{tag}h", f"atl{tag}n"
    here_ip, there_ip = f"10.{tag}.77.1", f"10.{tag}.77.2"

    def ip(*args, inside=False):
        prefix = ["ip", "netns", "exec", namespace] if inside else []
        subprocess.run([*prefix, "ip", *args], check=True, capture_output=True)

    subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
    ip("netns", "add", namespace)
    processes = []
    database = connection.settings_dict
    try:
        ip("link", "add", here, "type", "veth", "peer", "name", there)
        ip("link", "set", there, "netns", namespace)
        ip("addr", "add", f"{here_ip}/30", "dev", here)
        ip("link", "set", here, "up")
        ip("addr", "add", f"{there_ip}/30", "dev", there, inside=True)
        ip("link", "set", there, "up", inside=True)
        inward = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)), here_ip)
        inward.start()
        forwarder = subprocess.Popen(
            [
                *("ip", "netns", "exec", namespace, sys.executable, "-m", "tests.tcp_proxy"),
                *(there_ip, "5432", here_ip, str(inward.port)),
            ],
            cwd=PROJECT,
        )
        processes.append(forwarder)
        env = production_env(
            DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
            DJANGO_DB_CONNECT_TIMEOUT="2",
            DJANGO_DB_NETWORK_TIMEOUT="2",
            DATABASE_URL=(
                f"postgres://{database['USER']}:{database['PASSWORD']}"
                f"@{there_ip}:5432/{database['NAME']}"
            ),
        )
        for _ in range(50):  # the forwarder is listening once a connection gets through
            try:
                socket.create_connection((there_ip, 5432), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        server = Server(env, "--workers", "1", "--timeout", "20", log=tmp_path / "gunicorn.log")
        yield (
            server,
            lambda: ip("link", "set", there, "down", inside=True),
            lambda: ip("link", "set", there, "up", inside=True),
        )
        server.stop()
        inward.stop()
    finally:
        for process in processes:
            process.kill()
            process.wait()
        subprocess.run(["ip", "link", "del", here], capture_output=True)
        subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


@pytest.mark.postgres
@pytest.mark.netns
def test_a_blackholed_database_on_a_kept_connection_answers_503_in_time(database_across_a_link):
    server, cut, mend = database_across_a_link
    status, _, body, _ = get(server.port, "/countries/mexico/")
    assert status == HTTPStatus.OK and "Mexico" in body  # the worker now keeps a connection

    cut()
    for url in ["/countries/mexico/", "/citations/", "/api/goals.csv", "/healthz"]:
        status, _, body, seconds = get(server.port, url, timeout=30)
        assert status == HTTPStatus.SERVICE_UNAVAILABLE, (url, body[:300])
        # The network timeout (2 s) on the kept connection, then one connect
        # attempt (2 s): well inside gunicorn's worker timeout (20 s here).
        assert seconds < 8, (url, seconds)

    mend()
    for _ in range(20):
        status = get(server.port, "/healthz", timeout=30)[0]
        if status == HTTPStatus.OK:
            break
        time.sleep(0.5)
    assert status == HTTPStatus.OK
    assert get(server.port, "/countries/mexico/")[0] == HTTPStatus.OK
    output = server.output()
    assert "WORKER TIMEOUT" not in output and output.count("Booting worker") == 1

"""
gunicorn's settings for production:

    gunicorn --config config/gunicorn.py config.wsgi

Every value can be changed from the environment; command-line options win.
In production gunicorn sits behind a buffering reverse proxy (nginx, with
config/nginx/atlas.conf: README, "Production"), which holds slow clients
and terminates TLS. On its own gunicorn bears a few slow clients (fewer
than its threads, WEB_CONCURRENCY times GUNICORN_THREADS), not an attack: never
expose it to the internet without the proxy.
"""

import multiprocessing
import os

from config.env import env_int, env_words

# Address to listen on (PORT as most platforms set it). Behind a proxy on
# the same machine, HOST=127.0.0.1, so that only the proxy reaches gunicorn.
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
# Worker processes: WEB_CONCURRENCY, else two per CPU core plus one.
workers = env_int("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1) or 1
# Threaded workers: a client that sends its request slowly holds one thread,
# not a whole worker, and the worker goes on serving with the others.
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 8) or 1
# A worker that stops answering its arbiter for this long is killed and
# replaced. The database timeouts (DJANGO_DB_CONNECT_TIMEOUT and
# DJANGO_DB_NETWORK_TIMEOUT, 5 s each) keep a database outage well below it.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Replace each worker after a couple of thousand requests, so a slow leak
# never grows for long.
max_requests = 2000
max_requests_jitter = 200
# Errors to standard error; requests too when GUNICORN_ACCESS_LOG is "-" (or a
# file), for setups where the reverse proxy does not log them already.
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def scheme_headers(header):
    """
    The header that says a request came over HTTPS, as gunicorn's
    ``secure_scheme_headers``: from DJANGO_SECURE_PROXY_SSL_HEADER, the
    variable Django's SECURE_PROXY_SSL_HEADER is made from
    (config/settings.py), so the two always agree. Unset, gunicorn believes
    no such header from anyone (its default list, from 127.0.0.1, would let
    any local client skip the redirect to HTTPS).
    """
    name, expected = header
    return {name.upper(): expected} if name else {}


secure_scheme_headers = scheme_headers(env_words("DJANGO_SECURE_PROXY_SSL_HEADER"))
# Whose X-Forwarded-* headers gunicorn believes: the proxy's address only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

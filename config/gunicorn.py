"""
gunicorn's settings for production:

    gunicorn --config config/gunicorn.py config.wsgi

Every value can be changed from the environment; command-line options win.
"""

import multiprocessing
import os

# Address to listen on (PORT as most platforms set it).
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
# Worker processes: WEB_CONCURRENCY, else two per CPU core plus one.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# A worker busy longer than this is killed and replaced. The database connect
# timeout (DJANGO_DB_CONNECT_TIMEOUT, 5 s) keeps a database outage well below it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Replace each worker after a couple of thousand requests, so a slow leak
# never grows for long.
max_requests = 2000
max_requests_jitter = 200
# Errors to standard error; requests too when GUNICORN_ACCESS_LOG is "-" (or a
# file), for setups where the reverse proxy does not log them already.
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# Trust X-Forwarded-* for gunicorn's own use only from the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

"""
Deadlines for PostgreSQL kept by the client.

``statement_timeout`` (DJANGO_DB_STATEMENT_TIMEOUT) is kept by the server, and
TCP's own timeouts (DJANGO_DB_NETWORK_TIMEOUT) by the network. A server, a
pgbouncer or a proxy that has stopped answering while its machine still
acknowledges every packet trips neither, and a worker thread would wait on
its socket for ever (gunicorn's threaded workers are not killed for it).

So psycopg2 waits for the server through ``wait_with_deadline`` (psycopg2's
documented hook for how a blocking call waits, ``set_wait_callback``): a
connection must be made within the connect timeout, and each answer must
come within the statement timeout and a little more, or the call fails with
``OperationalError``; Django then drops the connection and the request
answers 503, as for any database outage.
"""

import select

from psycopg2 import OperationalError, extensions

# Seconds past the server's statement timeout before the client gives up.
GRACE_SECONDS = 2


# (seconds to connect, seconds for each answer; None: no limit), set by install().
_deadlines = (None, None)


def install(settings):
    """Make every psycopg2 connection of this process wait with the deadlines of ``settings``."""
    global _deadlines
    options = settings.DATABASES["default"].get("OPTIONS", {})
    connect = float(options.get("connect_timeout") or 10)
    statement = settings.DATABASE_STATEMENT_TIMEOUT
    _deadlines = (connect, statement + GRACE_SECONDS if statement else None)
    extensions.set_wait_callback(wait_with_deadline)


def wait_with_deadline(connection):
    """psycopg2's wait callback: poll the connection until it is ready, within the deadline."""
    connect, answer = _deadlines
    limit = connect if connection.status == extensions.STATUS_SETUP else answer
    while True:
        state = connection.poll()
        if state == extensions.POLL_OK:
            return
        if state == extensions.POLL_READ:
            ready = select.select([connection.fileno()], [], [], limit)[0]
        elif state == extensions.POLL_WRITE:
            ready = select.select([], [connection.fileno()], [], limit)[1]
        else:  # pragma: no cover -- psycopg2 documents no other state
            raise OperationalError(f"unexpected poll state {state}")
        if not ready:
            raise OperationalError(
                f"the database did not answer within {limit:g} s; the connection is given up"
            )

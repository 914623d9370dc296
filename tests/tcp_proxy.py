"""
A TCP proxy a test can switch off and on: the database "goes away" and comes
back while a real server keeps running.
"""

import contextlib
import socket
import sys
import threading


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class TcpProxy:
    """
    Listens on ``host``:``port`` (127.0.0.1 and a free port by default) and
    forwards every connection to ``upstream``. ``stop()`` refuses new
    connections and cuts the open ones, as a database server that goes down
    does; ``start(hang=True)`` accepts connections and never answers, as a
    server that has stopped responding does; ``freeze()`` stops passing data
    on the open connections while keeping them open, as a hung server (or
    pgbouncer) does whose machine still acknowledges every packet.
    """

    def __init__(self, upstream, host="127.0.0.1", port=None):
        self.upstream = upstream
        self.host = host
        self.port = port or free_port(host)
        self._listener = None
        self._thread = None
        self._sockets = set()
        self._lock = threading.Lock()
        self._frozen = threading.Event()

    def start(self, hang=False):
        self._frozen.clear()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen()
        listener.settimeout(0.1)
        self._listener = listener
        self._thread = threading.Thread(target=self._accept, args=(listener, hang), daemon=True)
        self._thread.start()

    def stop(self):
        listener, self._listener = self._listener, None
        if self._thread is not None:
            self._thread.join()
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._close(sock)

    def _accept(self, listener, hang):
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._sockets.add(client)
            if hang:
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                self._close(client)
                continue
            with self._lock:
                self._sockets.add(server)
            for source, target in [(client, server), (server, client)]:
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def freeze(self):
        self._frozen.set()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                if self._frozen.is_set():
                    continue  # read and dropped: the sender hears nothing back
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(target)

    @staticmethod
    def _close(sock):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


if __name__ == "__main__":
    # python -m tests.tcp_proxy HOST PORT UPSTREAM_HOST UPSTREAM_PORT: forward
    # until killed (for a proxy in another network namespace).
    host, port, upstream_host, upstream_port = sys.argv[1:5]
    proxy = TcpProxy((upstream_host, int(upstream_port)), host=host, port=int(port))
    proxy.start()
    threading.Event().wait()

"""A loopback TCP proxy that makes the network slow and lossy, on purpose.

Each connection is delayed, and may be dropped before the request reaches the
server (nothing happened) or after (the server did the work, the answer is lost).
"""
import contextlib
import itertools
import random
import socket
import threading
import time


class FlakyProxy:
    # What happens to each connection in turn: every kind of fault, every time.
    PLAN = ("pass", "drop before", "lose response", "pass", "lose response", "drop before", "pass")

    def __init__(self, upstream_port, latency=(0.05, 0.3), seed=7):
        self.upstream_port = upstream_port
        self.latency = latency
        self.plan = itertools.cycle(self.PLAN)
        self.random = random.Random(seed)
        self.stats = {"connections": 0, "dropped before": 0, "lost responses": 0}
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self._closed = True
        self.listener.close()

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        self.stats["connections"] += 1
        fate = next(self.plan)
        time.sleep(self.random.uniform(*self.latency))
        if fate == "drop before":
            self.stats["dropped before"] += 1
            client.close()
            return
        lose_response = fate == "lose response"
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True).start()
        self._pump(upstream, client, lose_response)
        if lose_response:
            self.stats["lost responses"] += 1

    @staticmethod
    def _pump(source, target, discard):
        try:
            while data := source.recv(65536):
                if not discard:
                    target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

"""A logged-in web client session speaking Odoo's JSON-RPC over HTTP."""
import itertools
import json

import requests

_ids = itertools.count(1)


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.error = error


class WebSession:
    def __init__(self, server, login=None, password=None, timeout=120, via=None):
        """Log in to `server`; `via` is another base URL to reach it through (a proxy)."""
        self.server = server
        self.url = via or server.url
        self.http = requests.Session()
        self.timeout = timeout
        self.uid = None
        if login:
            self.uid = self.call("/web/session/authenticate", {
                "db": server.database, "login": login, "password": password})["uid"]

    def post(self, route, params=None, **kwargs):
        """The raw HTTP response to a JSON-RPC call (for status-code checks)."""
        payload = {"jsonrpc": "2.0", "method": "call", "id": next(_ids), "params": params or {}}
        # json.dumps as Python does it: NaN and Infinity go out as such, as a hostile client may send them.
        return self.http.post(self.url + route, data=json.dumps(payload), timeout=self.timeout,
                              headers={"Content-Type": "application/json"}, **kwargs)

    def call(self, route, params=None):
        response = self.post(route, params)
        response.raise_for_status()
        body = response.json()
        if "error" in body:
            raise RpcError(body["error"])
        return body["result"]

    def call_kw(self, model, method, args, kwargs=None):
        return self.call(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": args, "kwargs": kwargs or {}})

    def sync(self, changes, client_id="tests"):
        return self.call("/offline_mode/sync", {"client_id": client_id, "changes": changes})

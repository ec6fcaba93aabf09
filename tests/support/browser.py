"""Headless Chromium driven through the DevTools protocol (no test framework in
between): tabs, clicks, typing, screenshots, and a network cut the way a lost
connection cuts it (Network.emulateNetworkConditions)."""
import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import threading
import time

import requests
import websocket

from .odoo_server import free_port

DEFAULT_TIMEOUT = 30
# The web client's services, as a script run in the page reaches them.
SERVICES = "odoo.__WOWL_DEBUG__.root.env.services"


class BrowserError(AssertionError):
    pass


class Browser:
    def __init__(self, width=1400, height=900, profile=None):
        """`profile`: a folder kept after close, so that another Browser on it is a browser restart."""
        self.port = free_port()
        self.keeps_profile = profile is not None
        self.profile = profile or tempfile.mkdtemp(prefix="offline_mode_chromium_")
        self.size = (width, height)
        self.process = subprocess.Popen([
            shutil.which("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}",
            f"--window-size={width},{height}", "about:blank",
        ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + DEFAULT_TIMEOUT
        while True:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/json/version", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or slow to answer on a loaded machine
                if time.monotonic() > deadline:
                    raise BrowserError("Chromium did not start") from None
                time.sleep(0.2)
        self.service_workers = ServiceWorkers(self.port)
        self.tabs = []

    def set_offline(self, offline):
        """Cut or restore the network of the whole browser: its tabs, its service workers, and
        the tabs opened afterwards (a reload or a new tab then meets no network at all)."""
        self.service_workers.set_offline(offline)
        for tab in self.tabs:
            if tab.ws.connected:
                tab.set_offline(offline)

    def new_tab(self, cookies=None):
        """A new tab; `cookies` (name -> value, for 127.0.0.1) log it in as a web session does."""
        target = requests.put(f"http://127.0.0.1:{self.port}/json/new?about:blank", timeout=10).json()
        tab = Tab(target["webSocketDebuggerUrl"], self.size)
        self.tabs.append(tab)
        if self.service_workers.offline:
            tab.set_offline(True)
        for name, value in (cookies or {}).items():
            tab.send("Network.setCookie", name=name, value=value, domain="127.0.0.1", path="/")
        return tab

    def close(self):
        self.service_workers.close()
        if self.keeps_profile:
            # Closed as a user closes it, so that the profile is written out whole.
            self.process.terminate()
        else:
            self.process.kill()
        self.process.wait(timeout=30)
        if not self.keeps_profile:
            shutil.rmtree(self.profile, ignore_errors=True)


class ServiceWorkers:
    """The network of the browser's service workers, which fetch on the pages' behalf.

    DevTools attaches to each worker as it starts, paused until its network
    conditions are set (a worker the browser restarts while offline stays
    offline). A thread reads the events; `set_offline` applies to all.
    """

    def __init__(self, port):
        url = requests.get(f"http://127.0.0.1:{port}/json/version", timeout=10).json()["webSocketDebuggerUrl"]
        self.ws = websocket.create_connection(url, timeout=None, suppress_origin=True)
        self.ids = itertools.count(1)
        self.lock = threading.Lock()
        self.sessions = set()
        self.offline = False
        self._send("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=True, flatten=True,
                   filter=[{"type": "service_worker", "exclude": False}, {"exclude": True}])
        threading.Thread(target=self._read_events, daemon=True).start()

    def _send(self, method, session_id=None, **params):
        message = {"id": next(self.ids), "method": method, "params": params}
        if session_id:
            message["sessionId"] = session_id
        self.ws.send(json.dumps(message))

    def _emulate(self, session_id):
        self._send("Network.emulateNetworkConditions", session_id, offline=self.offline, latency=0,
                   downloadThroughput=-1, uploadThroughput=-1)
        # The conditions above do not hold for every fetch of a worker (a page's reload it
        # answers went through): blocking every URL fails them all, as a lost network does.
        self._send("Network.setBlockedURLs", session_id, urls=["*"] if self.offline else [])

    def _read_events(self):
        while True:
            try:
                message = json.loads(self.ws.recv())
            except (websocket.WebSocketException, OSError, ValueError):
                return  # closed
            params = message.get("params", {})
            with self.lock:
                if message.get("method") == "Target.attachedToTarget":
                    session_id = params["sessionId"]
                    self.sessions.add(session_id)
                    self._send("Network.enable", session_id)
                    self._emulate(session_id)
                    self._send("Runtime.runIfWaitingForDebugger", session_id)
                elif message.get("method") == "Target.detachedFromTarget":
                    self.sessions.discard(params.get("sessionId"))

    def set_offline(self, offline):
        with self.lock:
            self.offline = offline
            for session_id in self.sessions:
                self._emulate(session_id)

    def close(self):
        self.ws.close()


class Tab:
    def __init__(self, ws_url, size):
        self.ws = websocket.create_connection(ws_url, timeout=DEFAULT_TIMEOUT, suppress_origin=True)
        self.ids = itertools.count(1)
        self.console = []
        self.exceptions = []
        # DevTools event name -> callback(params), e.g. to answer Fetch.requestPaused
        self.on_event = {}
        self.answers = {}
        for domain in ("Page", "Runtime", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=size[0], height=size[1],
                  deviceScaleFactor=1, mobile=False)

    def send(self, method, **params):
        message_id = next(self.ids)
        self.ws.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while message_id not in self.answers:
            message = json.loads(self.ws.recv())
            if "id" in message:
                # an event handler's own send may read the answer an outer send waits for
                self.answers[message["id"]] = message
            else:
                self._event(message)
        message = self.answers.pop(message_id)
        if "error" in message:
            raise BrowserError(f"{method}: {message['error']}")
        return message.get("result", {})

    def _event(self, message):
        if message.get("method") in self.on_event:
            self.on_event[message["method"]](message["params"])
        if message.get("method") == "Runtime.consoleAPICalled":
            self.console.append(" ".join(str(arg.get("value", arg.get("description", "")))
                                         for arg in message["params"]["args"]))
        elif message.get("method") == "Runtime.exceptionThrown":
            self.exceptions.append(message["params"]["exceptionDetails"])

    def evaluate(self, expression, await_promise=True):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=await_promise,
                           returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} raised {result['exceptionDetails']}")
        return result["result"].get("value")

    def activate(self):
        """Bring this tab to the front: a background tab does not render (no animation frames)."""
        self.send("Page.bringToFront")

    def goto(self, url, ready="odoo.isReady", timeout=120):
        """Open `url` and wait for the web client (the first load of a database builds its assets)."""
        self.activate()
        self.send("Page.navigate", url=url)
        self.wait_for_js(ready, timeout)

    def reload(self, hard=False, ready="odoo.isReady"):
        self.send("Page.reload", ignoreCache=hard)
        self.wait_for_js(ready)

    def wait_for_js(self, expression, timeout=DEFAULT_TIMEOUT):
        self.activate()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.evaluate(f"!!({expression})", await_promise=False):
                    return
            except BrowserError:
                pass
            if time.monotonic() > deadline:
                self.screenshot("/tmp/offline_mode_timeout.png")
                raise BrowserError(f"timed out waiting for {expression} on {self._where()} "
                                   "(screenshot /tmp/offline_mode_timeout.png)")
            time.sleep(0.1)

    def _where(self):
        """The page's address, title and first words, for a failure told in a log with no screenshot."""
        try:
            return self.evaluate("JSON.stringify([location.href, document.title, "
                                 "(document.body?.innerText || '').slice(0, 300)])", await_promise=False)
        except (BrowserError, websocket.WebSocketException) as error:
            return f"a page that does not answer ({error})"

    def wait_for(self, selector, timeout=DEFAULT_TIMEOUT, text=None):
        """Wait for a visible element matching `selector` (and containing `text`)."""
        check = (f"[...document.querySelectorAll({json.dumps(selector)})].some(el => el.offsetParent !== null"
                 + (f" && el.textContent.includes({json.dumps(text)})" if text else "") + ")")
        self.wait_for_js(check, timeout)

    def wait_for_empty_outbox(self, timeout=60):
        """Until the page's outbox holds no change (all synced)."""
        self.wait_for_js(f"{SERVICES}.offline_outbox.state.changes.length === 0", timeout)

    def gone(self, selector, timeout=DEFAULT_TIMEOUT):
        self.wait_for_js(f"!document.querySelector({json.dumps(selector)})", timeout)

    def click(self, selector, text=None):
        self.activate()
        self.wait_for(selector, text=text)
        self.evaluate(f"""(() => {{
            const el = [...document.querySelectorAll({json.dumps(selector)})]
                .find(el => el.offsetParent !== null {f'&& el.textContent.includes({json.dumps(text)})' if text else ''});
            el.scrollIntoView({{block: "center"}});
            el.click();
        }})()""")

    def fill(self, selector, value):
        """Type into an input the way a user does (focus, select all, insert, change)."""
        self.activate()
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus(); "
                      f"document.querySelector({json.dumps(selector)}).select()")
        self.send("Input.insertText", text=str(value))
        self.evaluate(f"document.querySelector({json.dumps(selector)})"
                      ".dispatchEvent(new Event('change', {bubbles: true}))")

    def hover(self, selector):
        self.activate()
        self.wait_for(selector)
        box = self.evaluate(f"""(() => {{ const r = document.querySelector({json.dumps(selector)})
            .getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
        self.send("Input.dispatchMouseEvent", type="mouseMoved", x=box[0], y=box[1])

    def set_offline(self, offline):
        """Cut or restore this tab's network: requests fail like a lost connection, navigator.onLine follows."""
        self.send("Network.emulateNetworkConditions", offline=offline, latency=0,
                  downloadThroughput=-1, uploadThroughput=-1)

    def screenshot(self, path):
        with open(path, "wb") as image:
            image.write(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return path

    def close(self):
        self.ws.close()

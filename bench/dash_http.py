"""The one Dash client of the project: it sends callbacks exactly as dash-renderer does.

Nothing here knows the app: the callback, its outputs, inputs and state come from
`/_dash-dependencies`, and the starting values from `/_dash-layout` (and, for a multi-page app,
from the page-content callback the browser fires first). So the same code measures the app and
the naive baseline (bench/), and drives the load test's visitors (scripts/locustfile.py).

`DashApp` needs only an object with `request(method, path, body=None, headers=None) -> Reply`:
`Http` below (one keep-alive connection, for the benchmark's timings) or the load test's adapter
of Locust's client.
"""
from __future__ import annotations

import gzip
import http.client
import json
import re
import time
import zlib
from dataclasses import dataclass, field

REQUEST_TIMEOUT = 120.0  # seconds; a million-row callback of the baseline can take several
GZIP_LEVEL = 6  # what nginx and flask-compress use by default
CONFIG_RE = re.compile(r'<script id="_dash-config" type="application/json">(.*?)</script>', re.S)


# ---------------------------------------------------------------- HTTP with keep-alive


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes  # decoded (what the browser's JSON parser sees)
    wire: bytes  # as sent by the server (compressed when Content-Encoding says so)
    seconds: float  # request written → last byte read
    ttfb: float  # request written → status line and headers read: the server's own work, mostly

    def json(self):
        return json.loads(self.body)


class Http:
    """One keep-alive connection, like a browser tab's; reopened if the server closes it."""

    def __init__(self, host: str, port: int, timeout: float = REQUEST_TIMEOUT):
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        headers = {"Accept-Encoding": "gzip", **(headers or {})}
        for attempt in (1, 2):
            try:
                return self._once(method, path, body, headers)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A server that closed the kept-alive connection: one retry on a fresh one.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _once(self, method, path, body, headers) -> Reply:
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        ttfb = time.perf_counter() - started
        wire = response.read()
        seconds = time.perf_counter() - started
        head = {k.lower(): v for k, v in response.getheaders()}
        return Reply(response.status, head, _decode(wire, head.get("content-encoding", "")), wire, seconds, ttfb)


def _decode(wire: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(wire)
    if encoding == "deflate":
        return zlib.decompress(wire)
    if encoding in ("", "identity"):
        return wire
    raise ValueError(f"unexpected Content-Encoding {encoding!r} (only gzip was asked for)")


def gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL))


def server_timing_ms(headers: dict[str, str]) -> float | None:
    """Total of the `dur=` values of a Server-Timing header (Dash sends one only in debug mode)."""
    header = headers.get("server-timing")
    if not header:
        return None
    durations = [float(m) for m in re.findall(r"dur=([0-9.]+)", header)]
    return sum(durations) if durations else None


# ---------------------------------------------------------------- the Dash app seen from outside


@dataclass
class Callback:
    """One entry of `/_dash-dependencies`, with its outputs split as the renderer splits them."""

    spec: dict
    outputs: list[dict]  # [{"id", "property"}]

    @property
    def output(self) -> str:
        return self.spec["output"]

    @property
    def inputs(self) -> list[dict]:
        return self.spec["inputs"]

    @property
    def state(self) -> list[dict]:
        return self.spec.get("state") or []

    @property
    def multi_output(self) -> bool:
        return self.output.startswith("..")

    def input_ids(self) -> list[str]:
        return [f"{i['id']}.{i['property']}" for i in self.inputs]

    def payload(self, values: dict[str, object], changed: list[str]) -> dict:
        """The JSON body dash-renderer posts (see `handleServerside` in dash_renderer.js)."""
        def filled(deps):
            out = []
            for dep in deps:
                item = {"id": dep["id"], "property": dep["property"]}
                key = f"{dep['id']}.{dep['property']}"
                if values.get(key) is not None:  # undefined values vanish from JSON.stringify
                    item["value"] = values[key]
                out.append(item)
            return out

        body = {"output": self.output, "outputs": self.outputs if self.multi_output else self.outputs[0],
                "inputs": filled(self.inputs), "changedPropIds": changed, "parsedChangedPropsIds": changed}
        if self.state:
            body["state"] = filled(self.state)
        return body


def split_output(output: str) -> list[dict]:
    """"..a.b...c.d.." → [{"id": "a", "property": "b"}, …]; a single "a.b" → one item."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    result = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        result.append({"id": component, "property": prop})
    return result


@dataclass
class DashApp:
    """What a browser knows after loading the page: config, callbacks, and every component's props."""

    http: Http
    prefix: str = "/"
    end_id: str | None = None
    callbacks: list[Callback] = field(default_factory=list)
    components: dict[str, dict] = field(default_factory=dict)  # id → props

    def path(self, name: str) -> str:
        return self.prefix + name

    def discover(self) -> None:
        """GET /, the layout and the dependencies; then fire the page-content callback if there is one."""
        index = self.http.request("GET", self.prefix)
        _expect_ok(index, "GET /")
        match = CONFIG_RE.search(index.body.decode("utf-8", "replace"))
        config = json.loads(match.group(1)) if match else {}
        self.prefix = config.get("requests_pathname_prefix") or self.prefix
        self.end_id = config.get("end_id")
        layout = self.http.request("GET", self.path("_dash-layout"))
        _expect_ok(layout, "GET /_dash-layout")
        deps = self.http.request("GET", self.path("_dash-dependencies"))
        _expect_ok(deps, "GET /_dash-dependencies")
        self.callbacks = [Callback(spec, split_output(spec["output"])) for spec in deps.json()
                          if not spec.get("clientside_function")]
        _collect(layout.json(), self.components)
        self._load_page_content()

    def _load_page_content(self) -> None:
        """Dash pages (`use_pages=True`) serve an empty shell; the page arrives from a callback
        on `_pages_location`. The browser fires it at load; so do we, to learn the page's props."""
        pages = next((cb for cb in self.callbacks if "_pages_content.children" in cb.output), None)
        if pages is None:
            return
        values = {"_pages_location.pathname": "/", "_pages_location.search": ""}
        reply = self.post(pages, values, list(values))
        _expect_ok(reply, "page-content callback")
        content = reply.json().get("response", {}).get("_pages_content", {}).get("children")
        _collect(content, self.components)

    def update_url(self) -> str:
        # The renderer echoes the server-signed page token on every callback request.
        url = self.path("_dash-update-component")
        return f"{url}?endId={self.end_id}" if self.end_id else url

    def post(self, callback: Callback, values: dict, changed: list[str]) -> Reply:
        body = json.dumps(callback.payload(values, changed)).encode()
        return self.http.request("POST", self.update_url(), body=body,
                                 headers={"Content-Type": "application/json", "Accept": "application/json"})

    def remember(self, reply: Reply) -> None:
        """Keep the plain values a callback answer wrote (stores, selections), as the renderer keeps
        them for the next request; figures arrive as patches and are not values to send back."""
        if reply.status != 200:
            return  # 204: Dash's « nothing to change »
        for component_id, props in reply.json().get("response", {}).items():
            for prop, value in props.items():
                if isinstance(value, (str, int, float, type(None))):
                    self.components.setdefault(component_id, {})[prop] = value

    def find_callback(self, input_id: str, output_suffix: str, required: bool = True) -> Callback | None:
        """The callback that takes `input_id` and outputs `…output_suffix` (no duplicate output)."""
        found = [cb for cb in self.callbacks if input_id in cb.input_ids()
                 and any(f"{o['id']}.{o['property']}" == output_suffix for o in cb.outputs)]
        if not found:
            if not required:
                return None
            raise LookupError(f"no callback with input {input_id} and output {output_suffix} in /_dash-dependencies")
        return max(found, key=lambda cb: len(cb.inputs))

    def initial_values(self, callback: Callback) -> dict[str, object]:
        values = {}
        for dep in callback.inputs + callback.state:
            props = self.components.get(dep["id"])
            values[f"{dep['id']}.{dep['property']}"] = props.get(dep["property"]) if props else None
        return values


def _collect(node, into: dict[str, dict]) -> None:
    """Walk a Dash layout (JSON) and record the props of every component with a string id."""
    if isinstance(node, list):
        for item in node:
            _collect(item, into)
    elif isinstance(node, dict):
        props = node.get("props")
        if isinstance(props, dict) and "type" in node:
            if isinstance(props.get("id"), str):
                into[props["id"]] = props
            for value in props.values():
                _collect(value, into)


def _expect_ok(reply: Reply, what: str) -> None:
    if reply.status != 200:
        excerpt = reply.body[:400].decode("utf-8", "replace")
        raise RuntimeError(f"{what}: HTTP {reply.status}: {excerpt}")

"""Node-RED, the low-code peer: installed from npm into a cache folder on first use, run with
one flow (http in → http request to the sink → 202), editor and admin API off."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.procs import Proc, free_port

CACHE = Path(os.environ.get("HUB_BENCH_CACHE", Path.home() / ".cache" / "hub-bench")) / "node-red"
RED = CACHE / "node_modules" / "node-red" / "red.js"
VERSION = "4"


def installed() -> bool:
    return RED.exists()


def install(timeout_s: float = 900) -> None:
    """``npm install --prefix <cache> node-red@4`` (the registry, through npm itself)."""
    if installed():
        return
    if shutil.which("npm") is None:
        raise RuntimeError("npm not found: apt-get install -y nodejs npm")
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run(["npm", "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--loglevel=error",
                    f"node-red@{VERSION}"], check=True, timeout=timeout_s, capture_output=True)


def version() -> str:
    return json.loads((RED.parent / "package.json").read_text())["version"]


def flow(sink_url: str, path: str) -> list[dict]:
    return [
        {"id": "bench", "type": "tab", "label": "bench"},
        {"id": "in", "type": "http in", "z": "bench", "url": path, "method": "post", "upload": False,
         "wires": [["forward"]]},
        {"id": "forward", "type": "http request", "z": "bench", "method": "POST", "ret": "txt",
         "paytoqs": "ignore", "url": sink_url, "persist": True, "senderr": False, "headers": [],
         "wires": [["reply"]]},
        # The sink's answer headers must not become ours; the sender gets the hub's own reply.
        {"id": "reply", "type": "change", "z": "bench", "rules": [
            {"t": "delete", "p": "headers", "pt": "msg"},
            {"t": "set", "p": "payload", "pt": "msg", "to": '{"status":"accepted"}', "tot": "str"}],
         "wires": [["respond"]]},
        {"id": "respond", "type": "http response", "z": "bench", "statusCode": "202",
         "headers": {"content-type": "application/json"}, "wires": []},
    ]


def start(where: Path, sink_url: str, path: str) -> tuple[Proc, str]:
    port = free_port()
    (where / "flows.json").write_text(json.dumps(flow(sink_url, path)))
    (where / "settings.js").write_text(
        "module.exports = {uiHost: '127.0.0.1', uiPort: %d, flowFile: 'flows.json', httpAdminRoot: false,\n"
        "  userDir: %s, credentialSecret: false,\n"
        "  logging: {console: {level: 'warn', metrics: false, audit: false}}};\n" % (port, json.dumps(str(where))))
    proc = Proc("node-red", ["node", str(RED), "--settings", str(where / "settings.js"), "--userDir", str(where)],
                where / "node-red.log", env={**os.environ, "NODE_ENV": "production"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # the port opens before the flow is deployed
        if not proc.alive():
            raise RuntimeError(f"node-red exited:\n{proc.tail()}")
        try:
            request = urllib.request.Request(base + path, data=b'{"ref":"ready"}', method="POST",
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=2) as reply:
                if reply.status == 202:
                    return proc, base
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.3)
    proc.stop()
    raise RuntimeError(f"node-red did not serve {path} within 90 s:\n{proc.tail()}")

"""A real trytond for the test suite: its own venv, a cached template database, a throw-away server.

Everything is built on demand so a fresh checkout needs nothing but PyPI (reference/erp.md §8):
  .cache/tryton/venv/                 trytond 8.2.x + modules, pinned to the series
  .cache/tryton/<key>/ready.sqlite    modules activated + company, chart, fiscal years... (testsetup)
  .cache/tryton/timings.json          the last cold build and warm start, for the lead's budget
<key> hashes the installed versions, the setup version and the year (fiscal years are dated).

    python -m plugins.erp.tryton.testserver          # build (if needed), print the timings
    python -m plugins.erp.tryton.testserver --serve  # ... and keep a server running
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from plugins.erp.tryton import testsetup

SERIES = ">=8.2,<8.3"  # every module must match trytond's major.minor
PACKAGES = ("trytond", "trytond-party", "trytond-company", "trytond-currency", "trytond-product",
            "trytond-stock", "trytond-account", "trytond-account-invoice", "trytond-sale",
            "trytond-sale-complaint")
REQUIREMENTS = tuple(f"{name}{SERIES}" for name in PACKAGES)
ADMIN = "admin"
ADMIN_PASSWORD = "admin"  # a throw-away test database; the admin skips the length rule


def cache_root() -> Path:
    default = Path(__file__).resolve().parents[3] / ".cache" / "tryton"
    return Path(os.environ.get("HUB_TRYTON_CACHE", default))


def _record_timings(kind: str, figures: dict[str, float]) -> None:
    path = cache_root() / "timings.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[kind] = {**{k: round(v, 2) for k, v in figures.items()},
                  "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    path.write_text(json.dumps(data, indent=1) + "\n")


def _run(cmd: list[str], log: Path, **kwargs) -> None:
    with log.open("ab") as out:
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    if done.returncode:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(cmd[:3])}... failed ({done.returncode}):\n{tail}")


def ensure_venv(root: Path, timings: dict[str, float]) -> Path:
    """trytond in its own venv, so its pins never meet the hub's dependencies."""
    venv = root / "venv"
    marker = venv / "hub-requirements.txt"
    wanted = "\n".join(REQUIREMENTS)
    if marker.exists() and marker.read_text().split("\n# freeze\n")[0] == wanted:
        return venv
    started = time.perf_counter()
    shutil.rmtree(venv, ignore_errors=True)
    log = root / "pip.log"
    _run([sys.executable, "-m", "venv", str(venv)], log)
    _run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", *REQUIREMENTS], log)
    freeze = subprocess.run([str(venv / "bin" / "pip"), "freeze", "--disable-pip-version-check"],
                            capture_output=True, text=True, check=True).stdout
    marker.write_text(f"{wanted}\n# freeze\n{freeze}")
    timings["pip_s"] = time.perf_counter() - started
    return venv


def template_key(venv: Path) -> str:
    installed = (venv / "hub-requirements.txt").read_text()
    seed = f"{installed}\nsetup={testsetup.SETUP_VERSION}\nyear={dt.date.today().year}\n{sys.version_info[:2]}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def _init_bare(venv: Path, build: Path) -> Path:
    """trytond-admin activates sale_complaint and its dependencies (~25 s): done once per key."""
    (build / "trytond.conf").write_text(f"[database]\nuri = sqlite://\npath = {build}\n")
    (build / "adminpass").write_text(ADMIN_PASSWORD + "\n")
    bare = build / "bare.sqlite"
    bare.touch()  # the SQLite backend only opens existing files
    env = {**os.environ, "TRYTONPASSFILE": str(build / "adminpass")}
    _run([str(venv / "bin" / "trytond-admin"), "-c", str(build / "trytond.conf"), "-d", "bare",
          "-u", "sale_complaint", "--activate-dependencies", "--email", "admin@example.com"],
         build / "admin.log", env=env)  # without --email it prompts and dies on a closed stdin
    return bare


def ensure_template() -> tuple[Path, dict[str, float] | None]:
    """The ready template for the installed versions (built under a file lock when missing),
    and the cold-build timings when it had to be built."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test sessions must not build at once
        timings: dict[str, float] = {}
        started = time.perf_counter()
        venv = ensure_venv(root, timings)
        ready = root / template_key(venv) / "ready.sqlite"
        if ready.exists():
            return ready, None
        build = root / f"build-{os.getpid()}"
        shutil.rmtree(build, ignore_errors=True)
        build.mkdir()
        step = time.perf_counter()
        bare = _init_bare(venv, build)
        timings["init_s"] = time.perf_counter() - step
        step = time.perf_counter()
        with TrytonServer(bare, build / "serve", venv=venv) as server:
            asyncio.run(testsetup.prepare(server.url, server.database, ADMIN, ADMIN_PASSWORD))
            server.stop()
            ready.parent.mkdir(exist_ok=True)
            server.snapshot(ready.with_suffix(".tmp"))
        os.replace(ready.with_suffix(".tmp"), ready)
        timings["setup_s"] = time.perf_counter() - step
        timings["build_s"] = time.perf_counter() - started
        shutil.rmtree(build, ignore_errors=True)
        _record_timings("cold_build", timings)
        return ready, timings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TrytonServer:
    """One trytond process serving a copy of ``template``; can be stopped and started again."""

    def __init__(self, template: Path, workdir: Path, venv: Path | None = None,
                 database: str = "hubtest", extra_config: str = "") -> None:
        """``extra_config``: more trytond.conf sections, e.g. "[queue]\nworker = True\n" for a
        server whose queued tasks wait for a worker (none runs here)."""
        self.venv = venv or cache_root() / "venv"
        self.workdir, self.database = Path(workdir), database
        self.username, self.password = ADMIN, ADMIN_PASSWORD
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen | None = None
        dbdir = self.workdir / "db"
        dbdir.mkdir(parents=True, exist_ok=True)
        self.db_file = dbdir / f"{database}.sqlite"  # the database name is the file's stem
        shutil.copyfile(template, self.db_file)
        # max_attempt = 0: the second failed login of a name is already rate-limited (HTTP 429),
        # so tests see Tryton's real lock-out without its growing sleeps.
        (self.workdir / "trytond.conf").write_text(
            f"[database]\nuri = sqlite://\npath = {dbdir}\n[session]\nmax_attempt = 0\n{extra_config}")

    def start(self, timeout: float = 60.0) -> float:
        """Start trytond and wait until /rpc/ answers; returns the seconds it took."""
        started = time.perf_counter()
        # Listen via the environment: a [web] listen line in the file would win over it.
        env = {**os.environ, "TRYTOND_WEB__LISTEN": f"127.0.0.1:{self.port}"}
        log = (self.workdir / "trytond.log").open("ab")
        # -d preloads the pool: without it the first login fails on 8.2.1 (lazy pool bug).
        self._process = subprocess.Popen(
            [str(self.venv / "bin" / "trytond"), "-c", str(self.workdir / "trytond.conf"),
             "-d", self.database], env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        while not self._answers():
            if self._process.poll() is not None or time.perf_counter() - started > timeout:
                self.stop()
                tail = (self.workdir / "trytond.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"trytond did not come up:\n{tail}")
            time.sleep(0.05)
        return time.perf_counter() - started

    def _answers(self) -> bool:
        body = json.dumps({"id": 0, "method": "common.server.version", "params": []}).encode()
        request = urllib.request.Request(f"{self.url}/rpc/", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def snapshot(self, dest: Path) -> None:
        """A consistent single-file copy: trytond leaves -wal/-shm files behind on SIGTERM."""
        with contextlib.closing(sqlite3.connect(self.db_file)) as src, \
                contextlib.closing(sqlite3.connect(dest)) as dst:
            src.backup(dst)

    def __enter__(self) -> TrytonServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_test_server(workdir: Path) -> tuple[TrytonServer, dict[str, float]]:
    """Build or reuse the template, then start a server on a copy; returns it and the timings."""
    started = time.perf_counter()
    template, cold = ensure_template()
    server = TrytonServer(template, workdir)
    figures = {"start_s": server.start(), "total_s": 0.0}
    figures["total_s"] = time.perf_counter() - started
    if cold:
        figures.update({f"cold_{k}": v for k, v in cold.items()})
    else:
        _record_timings("warm_start", figures)
    return server, figures


def main() -> None:
    import signal
    import tempfile
    # Background shells ignore SIGINT: stop cleanly (and stop trytond) on SIGTERM too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with tempfile.TemporaryDirectory(prefix="tryton-") as workdir:
        server, figures = start_test_server(Path(workdir))
        try:
            print(json.dumps(json.loads((cache_root() / "timings.json").read_text()), indent=1))
            if "--serve" in sys.argv:
                print(f"trytond on {server.url} db={server.database} ({server.username}/{server.password});"
                      " Ctrl-C stops it")
                with contextlib.suppress(KeyboardInterrupt):
                    while True:
                        time.sleep(3600)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

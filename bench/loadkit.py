"""What the load benchmarks share: gunicorn on a free port, a phone-like HTTP client, the tally, the drive
loop, p95, and the baseline (a bare Flask route doing one SQLite write under the same traffic)."""

import http.client
import json
import os
import random
import secrets
import socket
import sqlite3
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
JUDGES, SHEETS, WORKERS = 50, 20, 4
LOAD_LIMIT_S = 240  # the load phase stops by itself after this
HTTP_TIMEOUT_S = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(tmp: Path, module: str, source: str, port: int) -> subprocess.Popen[bytes]:
    (tmp / f"{module}.py").write_text(source, encoding="utf-8")
    proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
                             "--chdir", str(tmp), "--timeout", "60", "--log-level", "warning", f"{module}:app"],
                            cwd=tmp)
    for _ in range(200):
        try:
            status, _body = Client(port).call("GET", "/healthz", timeout=2)
            if status in (200, 404):
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("gunicorn did not start")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not answer on /healthz")


def workers_cpu_ms(master: int) -> float:
    """CPU time (user + system) used so far by the gunicorn master's workers."""
    total = 0
    for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split():
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total * 1000 / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # the master stops its workers
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


class Client:
    """One phone: a cookie jar and a fresh connection per request (gunicorn's sync workers close them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def _send(self, method: str, path: str, fields: dict[str, str] | None, timeout: float,
              accept: str) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Accept": accept}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(fields) if fields is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        return conn

    def call(self, method: str, path: str, fields: dict[str, str] | None = None, timeout: float = HTTP_TIMEOUT_S,
             accept: str = "text/html") -> tuple[int, str]:
        conn = self._send(method, path, fields, timeout, accept)
        try:
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                self.cookies.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
            return response.status, body
        finally:
            conn.close()

    def abandon(self, path: str, fields: dict[str, str]) -> None:
        """Send a request and hang up without reading the answer (a phone that lost the network)."""
        self._send("POST", path, fields, HTTP_TIMEOUT_S, "application/json").close()

    def confirm(self, path: str, fields: dict[str, str]) -> tuple[float, int, dict[str, object]]:
        started = time.perf_counter()
        status, body = self.call("POST", path, fields, accept="application/json")
        ms = (time.perf_counter() - started) * 1000
        try:
            return ms, status, json.loads(body)
        except ValueError:
            return ms, status, {"raw": body[:200]}


@dataclass
class Tally:
    deadline: float
    burst: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: dict[tuple[int, int], dict[int, Decimal]] = field(default_factory=dict)
    extras: dict[str, int] = field(default_factory=dict)
    kinds: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sample(self, index: int, ms: float) -> None:
        with self.lock:
            (self.burst if index == 0 else self.after).append(ms)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def timed(self, kind: str, call: Callable[[], tuple[int, str]]) -> tuple[int, str]:
        started = time.perf_counter()
        answer = call()
        with self.lock:
            self.kinds.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        return answer

    def count(self, what: str) -> None:
        with self.lock:
            self.extras[what] = self.extras.get(what, 0) + 1


def drive(clients: int, session: Callable[[int, threading.Barrier, Tally], None]) -> tuple[Tally, float]:
    tally = Tally(deadline=time.monotonic() + LOAD_LIMIT_S)
    barrier = threading.Barrier(clients)
    started = time.monotonic()
    threads = [threading.Thread(target=session, args=(k, barrier, tally), daemon=True) for k in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, tally.deadline + HTTP_TIMEOUT_S - time.monotonic()))
        if thread.is_alive():
            tally.error("a judge thread did not finish in time")
    return tally, time.monotonic() - started


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] if len(samples) > 1 else max(samples, default=0)


def baseline(tmp: Path) -> str:
    """The same traffic against a bare Flask route that does one SQLite (WAL) insert per request."""
    path = tmp / "bare.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE sheet (id INTEGER PRIMARY KEY, token TEXT UNIQUE, marks TEXT)")
    source = f'''import sqlite3
from flask import Flask, jsonify, request
app = Flask("bare")
conn = sqlite3.connect({str(path)!r}, timeout=15, isolation_level=None, check_same_thread=False)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
@app.post("/write")
def write():
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO sheet (token, marks) VALUES (?, ?)", (request.form["client_token"], request.form["m"]))
    conn.execute("COMMIT")
    return jsonify(stored=True)
@app.get("/healthz")
def health():
    return "ok"
'''  # noqa: S608  (no SQL is built from input here)
    port = free_port()
    proc = start_gunicorn(tmp, "bare_wsgi", source, port)
    try:
        def session(k: int, barrier: threading.Barrier, tally: Tally) -> None:
            rng, phone = random.Random(k), Client(port)
            for index in range(SHEETS):
                if index:
                    time.sleep(rng.uniform(0.5, 1.5))
                else:
                    barrier.wait(timeout=120)
                ms, status, _answer = phone.confirm("/write", {"client_token": secrets.token_hex(16), "m": "x"})
                tally.sample(index, ms)
                if status != 200:
                    tally.error(f"bare write answered {status}")
        tally, _ = drive(JUDGES, session)
    finally:
        stop(proc)
    return (f"baseline (bare Flask route, one SQLite insert): p95_ms={p95(tally.after):.0f} "
            f"burst_max_ms={max(tally.burst, default=0):.0f} errors={len(tally.errors)}")

"""The service over real HTTP beside the lean reference (`../shared/refbench/app.py`), in one run.

Both servers run on loopback and are loaded by the same clients: `wrk` (saturation, 8 connections)
and `hey` (a fixed rate of half the saturation throughput, for p50/p99). Cells:

trivial     GET /health/live                       against the reference's GET /plain/{id}
protected   GET /api/v1/cases/{id} (Bearer, demo-sd, the richest demo case)   against /protected/{id}
list        GET /api/v1/cases?limit=25 (Bearer)   against /protected/{id}
token       POST /oauth/token (client_secret_basic)  against /protected/{id}
journal     POST /api/v1/cases/{id}/journal (Bearer, another case)  against /protected/{id}

Configurations: SQLite with one process, PostgreSQL with one and with N processes
(`cockpit serve --workers N`). Results as ratios to the reference, written to bench/RESULTS.md.

Run: `make bench-http`, or `.venv/bin/python -m bench.http_load [--pg URL] [--seconds 10] [--workers N]`.
wrk and hey are installed with apt-get when missing (needs root).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.databases import DatabaseFactory

ROOT = Path(__file__).resolve().parent.parent
REFBENCH = (ROOT / ".." / "shared" / "refbench").resolve()
RESULTS = ROOT / "bench" / "RESULTS.md"
BIN = Path(sys.executable).parent
CONNECTIONS = 8
START_MARK = "<!-- http_load:start -->"
END_MARK = "<!-- http_load:end -->"


def ensure_clients() -> None:
    missing = [tool for tool in ("wrk", "hey") if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() != 0:
        sys.exit(f"{', '.join(missing)} fehlt: apt-get install {' '.join(missing)}")
    subprocess.run(
        ["apt-get", "install", "-y", "-q", *missing],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )


@dataclass
class Request:
    name: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    # wrk takes turns over these paths (writes spread over cases, as callers do); hey uses `url`.
    paths: list[str] = field(default_factory=list)


@dataclass
class Load:
    rate: float  # requests per second at saturation
    errors: int  # answers other than 2xx
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    fixed_rate: float = 0.0


# -- clients ----------------------------------------------------------------------------------------------


def _wrk_script(request: Request, directory: Path) -> Path:
    lines = [f'wrk.method = "{request.method}"']
    if request.body:
        lines.append(f"wrk.body = {json.dumps(request.body)}")
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in request.headers.items()]
    if request.paths:
        lines.append("paths = {" + ", ".join(json.dumps(path) for path in request.paths) + "}")
        lines.append("turn = 0")
        lines.append("function request()")
        lines.append("  turn = turn % #paths + 1")
        lines.append("  return wrk.format(nil, paths[turn])")
        lines.append("end")
    script = directory / f"{request.name}.lua"
    script.write_text("\n".join(lines) + "\n")
    return script


def saturate(request: Request, seconds: int, directory: Path) -> tuple[float, int]:
    script = _wrk_script(request, directory)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), request.url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rate, int(errors.group(1)) if errors else 0


def at_fixed_rate(request: Request, rate: float, seconds: int) -> tuple[float, float, float]:
    """p50 and p99 in ms and the achieved rate, at `rate` requests/s spread over the connections."""
    command = ["hey", "-z", f"{seconds}s", "-c", str(CONNECTIONS), "-q", f"{rate / CONNECTIONS:.2f}"]
    command += ["-m", request.method, "-disable-keepalive=false"]
    for name, value in request.headers.items():
        command += ["-H", f"{name}: {value}"]
    if request.body:
        command += ["-d", request.body]
    out = subprocess.run([*command, request.url], capture_output=True, text=True, check=True).stdout

    def percentile(p: int) -> float:
        found = re.search(rf"{p}% in ([\d.]+) secs", out)
        # hey leaves out a percentile it has too few samples for: then the slowest answer stands in.
        found = found or re.search(r"Slowest:\s+([\d.]+) secs", out)
        return float(found.group(1)) * 1000 if found else float("nan")

    achieved = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return percentile(50), percentile(99), float(achieved.group(1)) if achieved else 0.0


def measure(request: Request, seconds: int, directory: Path) -> Load:
    rate, errors = saturate(request, seconds, directory)
    p50, p99, achieved = at_fixed_rate(request, rate / 2, seconds)
    load = Load(rate, errors, p50, p99, achieved)
    print(
        f"  {request.name:10s} {rate:8.0f} req/s  (non-2xx {errors})   at {rate / 2:6.0f}/s: "
        f"p50 {p50:6.1f} ms  p99 {p99:6.1f} ms",
        flush=True,
    )
    return load


# -- servers ----------------------------------------------------------------------------------------------


@contextmanager
def running(command: list[str], env: dict[str, str], ready_url: str, log: Path) -> Iterator[None]:
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    with urllib.request.urlopen(ready_url, timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Server nicht gestartet, siehe {log}")
                time.sleep(0.3)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


def cockpit(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "cockpit"), *args], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def service_env(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "COCKPIT_ENVIRONMENT": "dev",
        "COCKPIT_DATABASE_URL": database_url,
        "COCKPIT_KEYRING_PATH": str(workdir / "keyring.json"),
        "COCKPIT_AUTH_SIGNING_KEY_DIR": str(workdir / "signing-keys"),
        "COCKPIT_AUDIT_SIGNING_KEY_FILE": str(workdir / "audit-key.pem"),
        "COCKPIT_RECEIPT_DIR": str(workdir / "receipts"),
        "COCKPIT_ACCESS_TOKEN_LIFETIME_SECONDS": "3600",
        # The token request measures issuing, not the per-client throttle (60 a minute by default),
        # which would answer 429 after the first second.
        "COCKPIT_TOKEN_REQUESTS_PER_MINUTE": "100000",
        "COCKPIT_PUBLIC_BASE_URL": "http://127.0.0.1:8131",
    }


def prepared_service(env: dict[str, str]) -> tuple[str, str]:
    """Migrate, seed, register a client; returns (a demo-sd access token, basic credentials)."""
    cockpit(env, "db", "upgrade")
    cockpit(env, "demo", "seed")
    created = cockpit(env, "clients", "create", "bench-client", "--institution", "SD-WASSERAMT")
    secret = re.search(r"client_secret: (\S+)", created).group(1)  # type: ignore[union-attr]
    token = cockpit(env, "dev", "token", "demo-sd").strip().splitlines()[-1]
    basic = base64.b64encode(f"bench-client:{secret}".encode()).decode()
    return token, basic


def _get_json(url: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def service_requests(base: str, token: str, basic: str) -> list[Request]:
    bearer = {"Authorization": f"Bearer {token}"}
    cases = _get_json(f"{base}/api/v1/cases?limit=25", bearer)["items"]
    sizes = {
        case["id"]: len(json.dumps(_get_json(f"{base}/api/v1/cases/{case['id']}", bearer))) for case in cases
    }
    ranked = sorted(sizes, key=sizes.__getitem__, reverse=True)
    richest, others = ranked[0], ranked[1:]
    journal = json.dumps({"category": "fallfuehrung", "text": "Telefonat mit der Klientin."})
    return [
        Request("trivial", "GET", f"{base}/health/live"),
        Request("protected", "GET", f"{base}/api/v1/cases/{richest}", bearer),
        Request("list", "GET", f"{base}/api/v1/cases?limit=25", bearer),
        Request(
            "token",
            "POST",
            f"{base}/oauth/token",
            {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
            "grant_type=client_credentials",
        ),
        Request(
            "journal",
            "POST",
            f"{base}/api/v1/cases/{others[-1]}/journal",
            {**bearer, "Content-Type": "application/json"},
            journal,
            [f"/api/v1/cases/{case}/journal" for case in others],
        ),
    ]


# -- the run ----------------------------------------------------------------------------------------------


@contextmanager
def reference_server(workdir: Path, port: int) -> Iterator[str]:
    env = {**os.environ, "REFBENCH_DB": str(workdir / "ref.db")}
    command = [
        str(BIN / "python"),
        "-m",
        "uvicorn",
        "--app-dir",
        str(REFBENCH),
        "app:app",
        "--port",
        str(port),
    ]
    base = f"http://127.0.0.1:{port}"
    with running(command, env, f"{base}/plain/7", workdir / "reference.log"):
        yield base


def reference_loads(base: str, seconds: int, workdir: Path) -> dict[str, Load]:
    print(f"reference ({base})", flush=True)
    return {
        "plain": measure(Request("plain", "GET", f"{base}/plain/7"), seconds, workdir),
        "protected": measure(Request("protected", "GET", f"{base}/protected/7"), seconds, workdir),
    }


def service_loads(
    label: str, database_url: str, processes: int, seconds: int, workdir: Path, port: int
) -> dict[str, Load]:
    home = workdir / label
    home.mkdir()
    env = service_env(database_url, home)
    env["COCKPIT_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    token, basic = prepared_service(env)
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "cockpit"), "serve", "--port", str(port), "--workers", str(processes)]
    print(f"service {label} ({processes} Prozess(e))", flush=True)
    with running(command, env, f"{base}/health/live", home / "server.log"):
        return {
            request.name: measure(request, seconds, home) for request in service_requests(base, token, basic)
        }


REFERENCE_OF = {
    "trivial": "plain",
    "protected": "protected",
    "list": "protected",
    "token": "protected",
    "journal": "protected",
}


def report(references: dict[str, dict[str, Load]], configs: dict[str, dict[str, Load]], command: str) -> str:
    """`references[label]`: the reference measured right before that configuration, so that each
    ratio compares two measurements minutes apart rather than the first and the last of the run."""
    labels = list(configs)
    lines = [
        START_MARK,
        "## Over HTTP beside the lean reference (`bench/http_load.py`)",
        "",
        f"Command: `{command}`. Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on this 2-core machine",
        "shared with "
        "other work: only ratios within this run mean anything. Saturation: `wrk -t1 -c8 -d<s>`; fixed",
        "rate: `hey -c 8 -q` at half the saturation throughput of the same server (p50/p99 in ms).",
        "Ratios are against the reference's `/plain/{id}` (trivial) or `/protected/{id}` (everything else).",
        "",
        "Reference, measured right before each configuration:",
        "",
        *(
            f"- {label}: "
            + ", ".join(
                f"{name} {load.rate:.0f} req/s (p50 {load.p50_ms:.1f} / p99 {load.p99_ms:.1f} ms)"
                for name, load in references[label].items()
            )
            for label in labels
        ),
        "",
        "| request | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for name in REFERENCE_OF:
        cells = []
        for label in labels:
            load = configs[label].get(name)
            if load is None:
                cells.append("–")
                continue
            ratio = load.rate / references[label][REFERENCE_OF[name]].rate
            errors = f", {load.errors} non-2xx" if load.errors else ""
            cells.append(
                f"**{ratio:.2f}×** ({load.rate:.0f}/s{errors}); p50 {load.p50_ms:.1f} / p99 {load.p99_ms:.1f}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", END_MARK]
    return "\n".join(lines)


def write_results(section: str) -> None:
    text = RESULTS.read_text()
    if START_MARK in text:
        before, rest = text.split(START_MARK, 1)
        after = rest.split(END_MARK, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--port", type=int, default=8130, help="reference on PORT, service on PORT+1")
    parser.add_argument(
        "--only", default="sqlite-1,pg-1,pg-N", help="configurations: sqlite-1, pg-1, pg-N (comma-separated)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, leave bench/RESULTS.md alone")
    args = parser.parse_args()
    ensure_clients()
    wanted = args.only.split(",")
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        references: dict[str, dict[str, Load]] = {}
        configs: dict[str, dict[str, Load]] = {}
        plans = {
            "sqlite-1": ("sqlite", 1),
            "pg-1": (args.pg, 1),
            "pg-N": (args.pg, args.workers),
        }
        with reference_server(workdir, args.port) as reference_base:
            for key in wanted:
                backend, processes = plans[key]
                databases = DatabaseFactory(workdir, backend)
                label = f"{'PostgreSQL' if databases.postgres else 'SQLite'}, {processes} Prozess(e)"
                try:
                    references[label] = reference_loads(reference_base, args.seconds, workdir)
                    configs[label] = service_loads(
                        key, databases.empty(), processes, args.seconds, workdir, args.port + 1
                    )
                finally:
                    databases.drop_all()
    command = "python -m bench.http_load " + " ".join(sys.argv[1:])
    section = report(references, configs, command.strip())
    print(section)
    if not args.no_write:
        write_results(section)


if __name__ == "__main__":
    main()

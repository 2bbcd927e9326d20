"""`make evidence`: the fault suite, bounded in time, loopback only; writes bench/EVIDENCE.md.

    .venv/bin/python -m bench.evidence --pg postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        [--soak-seconds 600] [--gap-seconds 30] [--writers 8] [--only gap,kill,...]

Scenarios: gap (PostgreSQL: concurrent writers, feed and webhooks), kill (SIGKILL of server and
worker mid-burst), outage (PostgreSQL behind a TCP proxy that is cut), slow (16 slow uploads
against case reads), disk (SQLite on a full tmpfs), soak (fixed rate, p50/p99, memory slope),
backup (recovery figures on the soak's database). Exit code 1 if any scenario's verdict fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.evidence import backup_drill, disk, gap, kill, outage, slow, soak
from bench.evidence.harness import PORT_BASE

OUTPUT = Path(__file__).resolve().parents[1] / "EVIDENCE.md"
ALL = ("gap", "kill", "outage", "slow", "disk", "soak", "backup")

TITLES = {
    "gap": "Outbox ohne Lücken (PostgreSQL, parallele Schreiber, Feed und Webhooks)",
    "kill": "SIGKILL von Server und Worker mitten im Schreiben",
    "outage": "Datenbankausfall hinter einem TCP-Proxy",
    "slow": "Langsame Uploads gegen Fall-Lesezugriffe",
    "disk": "Volle Platte (SQLite auf kleinem tmpfs)",
    "soak": "Dauerlast mit fester Rate",
    "backup": "Sicherung, Prüfung, Wiederherstellung (Wiederherstellungszeit)",
}


def _load(averages: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.1f}" for value in averages)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pg", default=os.environ.get("PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    )
    parser.add_argument("--soak-seconds", type=float, default=600.0)
    parser.add_argument("--soak-rate", type=float, default=20.0)
    parser.add_argument("--gap-seconds", type=float, default=30.0)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--only", default=",".join(ALL))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    chosen = [name for name in args.only.split(",") if name]
    results: dict[str, dict[str, object]] = {}
    began = time.monotonic()
    args.load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cockpit-evidence-") as scratch:
        workdir = Path(scratch)
        for name in chosen:
            print(f"== {name}", flush=True)
            try:
                results[name] = _scenario(name, args, workdir, results)
            except Exception as error:  # the report says which scenario broke and how
                results[name] = {"error": f"{type(error).__name__}: {error}"[:300], "ok": False}
            print(f"   {results[name]}", flush=True)
    args.output.write_text(_report(results, args, time.monotonic() - began), encoding="utf-8")
    print(f"geschrieben: {args.output}")
    return 0 if all(r.get("ok") for r in results.values()) else 1


def _scenario(
    name: str, args: argparse.Namespace, workdir: Path, done: dict[str, dict[str, object]]
) -> dict[str, object]:
    if name == "gap":
        return gap.run(args.pg, args.writers, args.gap_seconds, workdir / "gap")
    if name == "kill":
        return kill.run(workdir)
    if name == "outage":
        return outage.run(args.pg, workdir)
    if name == "slow":
        return slow.run(workdir)
    if name == "disk":
        return disk.run(workdir)
    if name == "soak":
        return soak.run(workdir, args.soak_seconds, args.soak_rate)
    if name == "backup":
        home = done.get("soak", {}).get("env_home")
        if home is None:
            soak_result = soak.run(workdir, 30.0, args.soak_rate)
            home = soak_result["env_home"]
        return backup_drill.run(workdir, Path(str(home)))
    raise ValueError(name)


def _report(results: dict[str, dict[str, object]], args: argparse.Namespace, elapsed: float) -> str:
    lines = [
        "# Evidence: the fault suite",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make evidence` ({elapsed / 60:.1f} min) on "
        f"this machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"soak {args.soak_seconds:.0f} s at {args.soak_rate:.0f} requests/s, "
        f"gap run {args.writers} writers × {args.gap_seconds:.0f} s. All traffic on loopback "
        f"(ports {PORT_BASE}–{PORT_BASE + 9}). Load average (1/5/15 min) at the start "
        f"{_load(args.load_before)}, at the end {_load(os.getloadavg())}: other work shares the cores, "
        "so latencies are upper bounds. "
        "Regenerate with `make evidence` (`SOAK_SECONDS=…` to change the soak).",
        "",
        "| scenario | verdict |",
        "|---|---|",
    ]
    for name, result in results.items():
        lines.append(
            f"| {TITLES.get(name, name)} | {'bestanden' if result.get('ok') else '**NICHT bestanden**'} |"
        )
    for name, result in results.items():
        lines += ["", f"## {TITLES.get(name, name)}", "", "| figure | value |", "|---|---|"]
        for key, value in result.items():
            if key in ("ok", "database", "env_home"):
                continue
            lines.append(f"| {key} | {value} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

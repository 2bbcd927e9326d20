"""The export file of the audit log: JSON lines, one header, the sealed entries, the checkpoints.

Meant for storage apart from the platform; `cockpit audit verify --file` checks it offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from app.domain.audit_chain.checkpoint import LOG_ORIGIN, Checkpoint
from app.domain.audit_chain.verification import LogEntry

FORMAT = "cockpit-audit-export/1"
_POSITION = re.compile(rb'"position"\s*:\s*(\d+)')


def write_export(
    target: IO[str], entries: Iterable[LogEntry], checkpoints: Iterable[Checkpoint], public_key_pem: str
) -> int:
    header = {
        "type": "header",
        "format": FORMAT,
        "origin": LOG_ORIGIN,
        "exported_at": datetime.now(UTC).isoformat(),
        "public_key": public_key_pem,
    }
    target.write(json.dumps(header, ensure_ascii=False) + "\n")
    count = 0
    for entry in entries:
        line = {
            "type": "entry",
            "position": entry.position,
            "event_id": entry.event_id,
            "leaf_hash": entry.leaf_hash.hex(),
            "previous_hash": entry.previous_hash.hex(),
            "entry_hash": entry.entry_hash.hex(),
            "event": entry.document,
        }
        target.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    for checkpoint in checkpoints:
        target.write(json.dumps({"type": "checkpoint", **checkpoint.to_document()}) + "\n")
    return count


@dataclass
class ExportContents:
    entries: list[LogEntry] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    public_key_pem: str | None = None
    findings: list[str] = field(default_factory=list)


def read_export(path: Path) -> ExportContents:
    contents = ExportContents()
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            if not raw.strip():
                continue
            try:
                _read_line(json.loads(raw.decode("utf-8")), contents)
            except (ValueError, KeyError, TypeError, AttributeError):
                contents.findings.append(_unreadable(number, raw))
    return contents


def _read_line(line: dict[str, Any], contents: ExportContents) -> None:
    kind = line["type"]
    if kind == "header":
        contents.public_key_pem = line.get("public_key")
    elif kind == "entry":
        event = line["event"]
        if event is not None and not isinstance(event, dict):
            raise ValueError("event")
        contents.entries.append(
            LogEntry(
                position=int(line["position"]),
                event_id=str(line["event_id"]),
                document=event,
                leaf_hash=bytes.fromhex(line["leaf_hash"]),
                previous_hash=bytes.fromhex(line["previous_hash"]),
                entry_hash=bytes.fromhex(line["entry_hash"]),
            )
        )
    elif kind == "checkpoint":
        contents.checkpoints.append(Checkpoint.from_document(line))
    else:
        raise ValueError(kind)


def _unreadable(number: int, raw: bytes) -> str:
    match = _POSITION.search(raw)
    which = f"Eintrag Nr. {int(match.group(1))}" if match else "ein Eintrag"
    return f"Zeile {number} ({which}) ist beschädigt und nicht lesbar."


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

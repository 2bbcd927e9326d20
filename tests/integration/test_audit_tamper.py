"""`cockpit audit verify` finds every kind of tampering and names the entry, in an export and in
the database; an intact log verifies with exit code 0."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.adapters.audit_signing import load_signer
from tests.api_helpers import Api
from tests.audit_chain_helpers import entry_line_index, export_lines, fill_log, run_cli, triggers_disabled


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "audit-key.pem"


@pytest.fixture
def exported(
    api: Api, database_url: str, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    fill_log(api)
    target = tmp_path / "audit.jsonl"
    result = run_cli(monkeypatch, database_url, key_file, "export", "--output", str(target))
    assert result.exit_code == 0, result.output
    return target


def _verify_file(
    monkeypatch: pytest.MonkeyPatch, database_url: str, key_file: Path, path: Path
) -> tuple[int, str]:
    result = run_cli(monkeypatch, database_url, key_file, "verify", "--file", str(path))
    return result.exit_code, result.output


def test_an_intact_export_and_database_verify(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 0, output
    assert "unversehrt" in output
    result = run_cli(monkeypatch, database_url, key_file, "verify")
    assert result.exit_code == 0, result.output


def test_flipping_a_byte_names_the_entry(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_lines(exported)
    index = entry_line_index(lines, 4)
    at = lines[index].index('"reason":"') + len('"reason":"')
    flipped = chr(ord(lines[index][at]) ^ 0x01)
    lines[index] = lines[index][:at] + flipped + lines[index][at + 1 :]
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert "Eintrag Nr. 4 (id " in output and "Inhalt verändert" in output


def test_flipping_a_raw_byte_anywhere_is_found(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = bytearray(exported.read_bytes())
    lines = export_lines(exported)
    offset = sum(len(line.encode()) + 1 for line in lines[: entry_line_index(lines, 2)]) + 40
    data[offset] ^= 0x20
    exported.write_bytes(bytes(data))
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert "Nr. 2" in output


def test_deleting_an_entry_names_it(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_lines(exported)
    del lines[entry_line_index(lines, 3)]
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert "Eintrag Nr. 3 fehlt zwischen Eintrag Nr. 2 (id " in output


def test_reordering_names_the_entries(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_lines(exported)
    first, second = entry_line_index(lines, 1), entry_line_index(lines, 2)
    lines[first], lines[second] = lines[second], lines[first]
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert "Reihenfolge verändert: Eintrag Nr. 1 (id " in output


def test_truncating_the_tail_names_the_last_entry_kept(
    exported: Path, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_lines(exported)
    entries = [line for line in lines if json.loads(line)["type"] == "entry"]
    keep = len(entries) - 3
    kept = [
        line for line in lines if json.loads(line)["type"] != "entry" or json.loads(line)["position"] < keep
    ]
    exported.write_text("\n".join(kept) + "\n", encoding="utf-8")
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert f"Einträge ab Nr. {keep} fehlen" in output
    assert f"letzter vorhandener Eintrag: Eintrag Nr. {keep - 1} (id " in output


def test_replacing_a_checkpoint_is_found(
    exported: Path, database_url: str, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_lines(exported)
    index = next(i for i, line in enumerate(lines) if json.loads(line)["type"] == "checkpoint")
    checkpoint = json.loads(lines[index])
    checkpoint["tree_size"] -= 1  # claims a shorter log
    lines[index] = json.dumps(checkpoint)
    exported.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _verify_file(monkeypatch, database_url, key_file, exported)
    assert code == 1
    assert f"Baumgrösse {checkpoint['tree_size']}" in output and "Signatur ungültig" in output


def test_a_checkpoint_from_another_key_is_not_trusted(
    exported: Path, database_url: str, key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-key.pem"
    load_signer(other, create_if_missing=True)
    result = run_cli(
        monkeypatch, database_url, key_file, "verify", "--file", str(exported), "--public-key", str(other)
    )
    code, output = result.exit_code, result.output
    assert code == 1
    assert "Signatur ungültig oder Schlüssel" in output


def test_database_tampering_is_found_and_names_the_entry(
    api: Api, engine: Engine, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_log(api)
    assert run_cli(monkeypatch, database_url, key_file, "checkpoint").exit_code == 0
    with engine.connect() as connection:
        changed, deleted = connection.execute(
            text(
                "SELECT e.id, s.position FROM audit_events e JOIN audit_seals s ON s.event_seq = e.seq "
                "WHERE s.position IN (2, 5) ORDER BY s.position"
            )
        ).all()
    with triggers_disabled(engine), engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET reason = 'harmlos' WHERE id = :id"), {"id": changed.id}
        )
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": deleted.id})
    result = run_cli(monkeypatch, database_url, key_file, "verify")
    assert result.exit_code == 1
    assert f"Eintrag Nr. 2 (id {uuid.UUID(str(changed.id))}): Inhalt verändert" in result.output
    assert "Eintrag Nr. 5 (id seq " in result.output and "ohne Bereinigung gelöscht" in result.output


def test_a_replaced_checkpoint_in_the_database_is_found(
    api: Api, engine: Engine, database_url: str, key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill_log(api)
    assert run_cli(monkeypatch, database_url, key_file, "checkpoint").exit_code == 0
    with triggers_disabled(engine), engine.begin() as connection:
        connection.execute(text("UPDATE audit_checkpoints SET root_hash = chain_head"))
    result = run_cli(monkeypatch, database_url, key_file, "verify")
    assert result.exit_code == 1
    assert "Checkpoint vom" in result.output and "Signatur ungültig" in result.output


def test_a_kept_checkpoint_reveals_a_rewrite_that_removed_the_databases_own_checkpoints(
    api: Api,
    engine: Engine,
    database_url: str,
    key_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill_log(api)
    kept = run_cli(monkeypatch, database_url, key_file, "checkpoint")
    witness = tmp_path / "kept.jsonl"
    witness.write_text(kept.output, encoding="utf-8")
    size = json.loads(kept.output)["tree_size"]
    with triggers_disabled(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            for table in ("audit_seals", "audit_tree_states"):
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            for table in ("audit_seals", "audit_tree_states", "audit_checkpoints"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        last = f"(SELECT event_seq FROM audit_seals WHERE position >= {size - 2})"
        connection.execute(text(f"DELETE FROM audit_events WHERE seq IN {last}"))
        connection.execute(text(f"DELETE FROM audit_seals WHERE position >= {size - 2}"))
        connection.execute(text(f"DELETE FROM audit_tree_states WHERE tree_size > {size - 2}"))
        connection.execute(text("DELETE FROM audit_checkpoints"))
    unwitnessed = run_cli(monkeypatch, database_url, key_file, "verify")
    assert unwitnessed.exit_code == 0  # the database alone no longer shows the cut
    witnessed = run_cli(monkeypatch, database_url, key_file, "verify", "--witness", str(witness))
    assert witnessed.exit_code == 1
    assert f"Einträge ab Nr. {size - 2} fehlen: der Zeugen-Checkpoint" in witnessed.output
    assert f"letzter vorhandener Eintrag: Eintrag Nr. {size - 3} (id " in witnessed.output

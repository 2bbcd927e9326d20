"""Backups that restore: the database, the keys that open it, and a signed manifest.

A backup is a folder:

- `database.sqlite` (SQLite's online backup API: consistent while the service writes) or
  `database.pgdump` (`pg_dump --format=custom`, one consistent snapshot);
- `secrets.enc`: the keyring (KEKs) and the signing keys (audit checkpoints, access tokens) in one
  JSON document, sealed with AES-256-GCM under a key derived by scrypt from the backup passphrase
  (`COCKPIT_BACKUP_PASSPHRASE`). Without it the database copy is ciphertext only; with PKCS#11 the
  KEKs stay in the HSM and its own backup procedure applies;
- `manifest.json` + `manifest.sig`: what the backup holds (SHA-256 per file, schema revision, the
  checkpoint signed just before the copy, the last outbox position), signed with the audit key.

`verify_backup` checks the manifest's signature and hashes, restores the database into a scratch
place, verifies the audit chain against the checkpoints (the one named in the manifest included)
and decrypts a sample of persons with the keys from `secrets.enc`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from app.adapters.audit_signing import CheckpointSigner
from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.crypto_models import DataKeyRow
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.db.key_health import keys_usable
from app.adapters.events.outbox import last_position
from app.adapters.failures import failure_summary
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.audit_chain.checkpoint import Checkpoint, key_id
from app.domain.audit_chain.verification import verify_log

FORMAT = "cockpit-backup/1"
MANIFEST, SIGNATURE, SECRETS = "manifest.json", "manifest.sig", "secrets.enc"
SAMPLE_PERSONS = 5


class BackupError(Exception):
    """A backup cannot be made, read or trusted; the message says why (German, no data)."""


@dataclass(frozen=True)
class Secrets:
    keyring: dict[str, Any] | None
    audit_signing_key: str
    auth_signing_keys: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "keyring": self.keyring,
                "audit_signing_key": self.audit_signing_key,
                "auth_signing_keys": self.auth_signing_keys,
            }
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Secrets:
        document = json.loads(data)
        return cls(document["keyring"], document["audit_signing_key"], document["auth_signing_keys"])


@dataclass
class VerifyReport:
    findings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


# -- sealing the secrets ----------------------------------------------------------------------------
def _derive(passphrase: str, salt: bytes) -> bytes:
    if len(passphrase) < 12:
        raise BackupError("Die Passphrase der Sicherung muss mindestens 12 Zeichen lang sein.")
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def seal_secrets(secrets: Secrets, passphrase: str) -> bytes:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, secrets.to_json(), FORMAT.encode())
    return json.dumps(
        {"format": FORMAT, "kdf": "scrypt-n15-r8-p1", **_b64(salt=salt, nonce=nonce, data=sealed)}
    ).encode()


def open_secrets(blob: bytes, passphrase: str) -> Secrets:
    document = json.loads(blob)
    salt, nonce, data = (base64.b64decode(document[k]) for k in ("salt", "nonce", "data"))
    try:
        return Secrets.from_json(AESGCM(_derive(passphrase, salt)).decrypt(nonce, data, FORMAT.encode()))
    except InvalidTag:
        raise BackupError(
            "Die Schlüssel der Sicherung lassen sich mit dieser Passphrase nicht öffnen."
        ) from None


def _b64(**values: bytes) -> dict[str, str]:
    return {name: base64.b64encode(value).decode() for name, value in values.items()}


# -- the database copy ------------------------------------------------------------------------------
def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Eine SQLite-Datenbank im Arbeitsspeicher lässt sich nicht sichern.")
    return Path(database)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_copy(source: Path, target: Path, *, self_contained: bool = True) -> None:
    """SQLite's online backup API: a consistent copy while others keep writing (not `cp`)."""
    origin, copy = sqlite3.connect(source, timeout=30), sqlite3.connect(target, timeout=30)
    try:
        origin.backup(copy, pages=1024)
        if self_contained:  # one file, no WAL beside it
            copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        origin.close()
        copy.close()


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        first = (done.stderr.strip().splitlines() or ["?"])[0][:200]
        raise BackupError(f"{Path(command[0]).name} fehlgeschlagen: {first}")


def _copy_database(url: str, folder: Path) -> str:
    if _is_sqlite(url):
        _sqlite_copy(_sqlite_path(url), folder / "database.sqlite")
        return "database.sqlite"
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / 'database.pgdump'}", _libpq(url)])
    return "database.pgdump"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- create -----------------------------------------------------------------------------------------
def create_backup(
    database_url: str,
    ledger: SqlAuditLedger,
    secrets: Secrets,
    passphrase: str,
    target: Path,
    now: datetime | None = None,
) -> Path:
    """A new backup folder under `target`; returns its path."""
    now = now or datetime.now(UTC)
    folder = target / f"cockpit-backup-{now:%Y%m%dT%H%M%SZ}"
    folder.mkdir(parents=True, exist_ok=False)
    checkpoint = ledger.checkpoint(force=True)  # sealed and signed just before the copy
    with ledger.engine.connect() as connection:
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    with make_session_factory(ledger.engine)() as session:
        outbox_position = last_position(session)
    database_file = _copy_database(database_url, folder)
    (folder / SECRETS).write_bytes(seal_secrets(secrets, passphrase))
    os.chmod(folder / SECRETS, 0o600)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "database": {"kind": "sqlite" if _is_sqlite(database_url) else "postgresql", "file": database_file},
        "schema_revision": revision,
        "checkpoint": checkpoint.to_document() if checkpoint else None,
        "outbox_last_position": outbox_position,
        "key_provider": "keyring" if secrets.keyring is not None else "pkcs11",
        "files": {name: _sha256(folder / name) for name in (database_file, SECRETS)},
    }
    body = json.dumps(manifest, indent=2, sort_keys=True).encode()
    (folder / MANIFEST).write_bytes(body)
    (folder / SIGNATURE).write_text(base64.b64encode(_sign(ledger.signer, body)).decode() + "\n")
    return folder


def _sign(signer: CheckpointSigner, body: bytes) -> bytes:
    return signer._private_key.sign(body)


# -- verify -----------------------------------------------------------------------------------------
def read_manifest(folder: Path, trusted_keys: dict[str, bytes]) -> dict[str, Any]:
    try:
        body = (folder / MANIFEST).read_bytes()
        signature = base64.b64decode((folder / SIGNATURE).read_text().strip())
    except (OSError, ValueError):
        raise BackupError(f"{folder} ist keine vollständige Sicherung (Manifest fehlt).") from None
    for public in trusted_keys.values():
        try:
            Ed25519PublicKey.from_public_bytes(public).verify(signature, body)
            return dict(json.loads(body))
        except InvalidSignature:
            continue
    raise BackupError("Die Signatur des Manifests ist ungültig oder von keinem vertrauten Schlüssel.")


@contextmanager
def scratch_database(folder: Path, manifest: dict[str, Any], scratch_url: str | None) -> Iterator[str]:
    """The backup's database restored somewhere harmless: a temporary SQLite file, or the
    PostgreSQL scratch database `scratch_url` (emptied first)."""
    database_file = folder / manifest["database"]["file"]
    if manifest["database"]["kind"] == "sqlite":
        with tempfile.TemporaryDirectory(prefix="cockpit-verify-") as scratch:
            copy = Path(scratch) / "database.sqlite"
            shutil.copyfile(database_file, copy)
            yield f"sqlite:///{copy}"
        return
    if scratch_url is None:
        raise BackupError(
            "Für eine PostgreSQL-Sicherung braucht die Prüfung --scratch-url (leere Datenbank)."
        )
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={_libpq(scratch_url)}",
            str(database_file),
        ]
    )
    yield scratch_url


def verify_backup(
    folder: Path,
    trusted_keys: dict[str, bytes],
    passphrase: str | None,
    scratch_url: str | None = None,
) -> VerifyReport:
    report = VerifyReport()
    manifest = read_manifest(folder, trusted_keys)
    for name, expected in manifest["files"].items():
        if not (folder / name).exists() or _sha256(folder / name) != expected:
            report.findings.append(f"{name} fehlt oder wurde verändert (SHA-256 passt nicht).")
    if report.findings:
        return report
    secrets = open_secrets((folder / SECRETS).read_bytes(), passphrase) if passphrase else None
    with scratch_database(folder, manifest, scratch_url) as url:
        engine = make_engine(url)
        try:
            _verify_audit(engine, manifest, trusted_keys, report)
            if secrets is None:
                report.notes.append("Ohne Passphrase keine Entschlüsselungsprobe.")
            elif secrets.keyring is None:
                report.notes.append("Schlüssel im HSM (PKCS#11): Entschlüsselungsprobe am Zielsystem.")
            else:
                _decrypt_sample(engine, Vault(keyring_from(secrets)), report)
        except Exception as error:  # a damaged copy is a verdict, not a traceback
            report.findings.append(f"Datenbank der Sicherung nicht lesbar: {failure_summary(error)}")
        finally:
            engine.dispose()
    return report


def _verify_audit(
    engine: Any, manifest: dict[str, Any], keys: dict[str, bytes], report: VerifyReport
) -> None:
    ledger = SqlAuditLedger(engine, signer=None)  # type: ignore[arg-type]  # reads and seals only
    ledger.seal()
    checkpoints = ledger.checkpoints()
    result = verify_log(list(ledger.entries()), checkpoints, keys)
    report.findings.extend(result.findings)
    named = manifest.get("checkpoint")
    if named is not None:
        expected = Checkpoint.from_document(named)
        if not any(
            c.tree_size == expected.tree_size and c.root_hash == expected.root_hash for c in checkpoints
        ):
            report.findings.append(
                "Der im Manifest genannte Checkpoint fehlt in der Datenbank der Sicherung."
            )
        elif result.covered_through < expected.tree_size:
            report.findings.append("Das Protokoll ist kürzer als der Checkpoint des Manifests.")
    covered = max(0, result.covered_through - 1)
    report.notes.append(f"Audit-Protokoll: {result.entries} Einträge, gedeckt bis Eintrag Nr. {covered}.")


def _decrypt_sample(engine: Any, vault: Vault, report: VerifyReport) -> None:
    with engine.connect() as connection:
        reason = keys_usable(connection, vault)
        person_ids = list(
            connection.scalars(
                select(DataKeyRow.person_id).where(DataKeyRow.wrapped.is_not(None)).limit(SAMPLE_PERSONS)
            )
        )
    if reason is not None:
        report.findings.append(reason)
        return
    uow = SqlUnitOfWork(make_session_factory(engine), vault=vault)
    with uow:
        opened = sum(1 for person_id in person_ids if uow.persons.get(person_id) is not None)
    report.notes.append(f"Entschlüsselungsprobe: {opened} von {len(person_ids)} Personen lesbar.")
    if opened != len(person_ids):
        report.findings.append("Nicht alle Personen der Stichprobe liessen sich entschlüsseln.")


def keyring_from(secrets: Secrets) -> LocalKeyring:
    assert secrets.keyring is not None
    keks = {kek_id: base64.b64decode(value) for kek_id, value in secrets.keyring["keks"].items()}
    return LocalKeyring(None, keks, secrets.keyring["current"])


# -- restore ----------------------------------------------------------------------------------------
def restore_database(folder: Path, manifest: dict[str, Any], database_url: str) -> None:
    """Replace the database at `database_url` by the backup's (the service must be stopped)."""
    database_file = folder / manifest["database"]["file"]
    if manifest["database"]["kind"] == "sqlite":
        if not _is_sqlite(database_url):
            raise BackupError("Eine SQLite-Sicherung lässt sich nur in eine SQLite-Datenbank zurückspielen.")
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(database_file, target, self_contained=False)
        return
    if _is_sqlite(database_url):
        raise BackupError("Eine PostgreSQL-Sicherung lässt sich nur in PostgreSQL zurückspielen.")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            f"--dbname={_libpq(database_url)}",
            str(database_file),
        ]
    )


def write_private_file(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def restore_secrets(
    secrets: Secrets, keyring_path: Path | None, audit_key: Path, auth_key_dir: Path
) -> list[Path]:
    written = []
    if secrets.keyring is not None and keyring_path is not None:
        write_private_file(keyring_path, json.dumps(secrets.keyring, indent=2).encode())
        written.append(keyring_path)
    write_private_file(audit_key, secrets.audit_signing_key.encode())
    written.append(audit_key)
    for name, content in secrets.auth_signing_keys.items():
        write_private_file(auth_key_dir / Path(name).name, content.encode())
        written.append(auth_key_dir / Path(name).name)
    return written


def gather_secrets(keyring_path: Path | None, audit_key: Path, auth_key_dir: Path) -> Secrets:
    keyring = (
        json.loads(keyring_path.read_text(encoding="utf-8"))
        if keyring_path and keyring_path.exists()
        else None
    )
    auth_keys = (
        {p.name: p.read_text(encoding="utf-8") for p in sorted(auth_key_dir.iterdir()) if p.is_file()}
        if auth_key_dir.is_dir()
        else {}
    )
    return Secrets(keyring, audit_key.read_text(encoding="utf-8"), auth_keys)


def trusted(public_keys: list[bytes]) -> dict[str, bytes]:
    return {key_id(key): key for key in public_keys}

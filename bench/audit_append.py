"""Chained durable appends per second on PostgreSQL (goal: at least 2,000/s).

plain_appends    writers commit one audit event per transaction (the request path: ORM insert via
                 SqlUnitOfWork + the enqueue trigger, synchronous commit), no sequencer running
chained_appends  the same writers while the sequencer seals in batches; the clock stops only when
                 every event is sealed into the hash chain and the Merkle tree
lean_plain       writers through psycopg directly (same INSERT, one event per transaction): the log's
                 own capacity without the ORM's CPU; no sequencer
seal_backlog     the sequencer alone, sealing the backlog lean_plain left behind
lean_chained     lean writers with the sequencer running, until everything is sealed
head_lock        the shape the design rejects: each writer locks the chain head in its own
                 transaction, computes the entry hash and writes it (for the ratio only)

Writers are processes (several threads each), as a multi-worker server would run them.
Run: `.venv/bin/python -m bench.audit_append --backend postgresql+psycopg://postgres@127.0.0.1:5432/test`
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text

from app.adapters.audit_signing import load_signer
from app.adapters.crypto.keyring import LocalKeyring
from app.adapters.crypto.vault import Vault
from app.adapters.db.audit_ledger import SqlAuditLedger
from app.adapters.db.engine import make_engine, make_session_factory
from app.adapters.unit_of_work import SqlUnitOfWork
from app.domain.audit_chain.chain import event_leaf_hash
from tests.databases import DatabaseFactory
from tests.unit.audit_chain_builders import event

LEAN_INSERT = (
    "INSERT INTO audit_events (id, occurred_at, actor_id, actor_kind, actor_name, institution_id, roles, "
    "action, operation, outcome, reason, correlation_id, case_id, person_id, categories, "
    "withheld_categories, bases, purpose, recipient_institution_id, record_ids) VALUES (%s, now(), %s, "
    "'user', 'sd', %s, '[\"caseworker\"]', 'read', 'cases.read', 'allowed', 'Fall gelesen.', %s, %s, %s, "
    "'[\"stammdaten\"]', '[]', '[\"participation\"]', 'Fallführung', NULL, '[]')"
)


def _lean_writer_process(url: str, threads: int, per_thread: int, start: object) -> None:
    """One psycopg connection per thread, one INSERT + COMMIT per event: the log without the ORM."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")

    def write(_: int) -> None:
        with psycopg.connect(dsn) as connection:
            for _n in range(per_thread):
                ids = [uuid.uuid4() for _ in range(5)]
                connection.execute(LEAN_INSERT, (ids[0], ids[1], ids[2], str(ids[3]), ids[4], ids[4]))
                connection.commit()

    start.wait()  # type: ignore[attr-defined]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, range(threads)))


def _writer_process(url: str, threads: int, per_thread: int, head_lock: bool | None, start: object) -> None:
    if head_lock is None:
        _lean_writer_process(url, threads, per_thread, start)
        return
    engine = make_engine(url, pool_size=threads, max_overflow=0)
    session_factory = make_session_factory(engine)
    vault = Vault(LocalKeyring.in_memory())  # audit events hold no sealed fields; the unit of work wants one

    def write(_: int) -> None:
        for n in range(per_thread):
            uow = SqlUnitOfWork(session_factory, vault=vault)
            with uow:
                appended = event(n, id=uuid.uuid4())
                uow.audit.append(appended)
                if head_lock:
                    session = uow._session  # the rejected shape needs the raw session
                    assert session is not None
                    head = session.execute(
                        text("SELECT hash FROM bench_head WHERE id = 1 FOR UPDATE")
                    ).scalar()
                    new = hashlib.sha256(bytes(head) + event_leaf_hash(appended)).digest()
                    session.execute(text("UPDATE bench_head SET hash = :h WHERE id = 1"), {"h": new})

    start.wait()  # type: ignore[attr-defined]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write, range(threads)))
    engine.dispose()


def _run_writers(
    url: str, processes: int, threads: int, per_thread: int, head_lock: bool | None = False
) -> float:
    start = multiprocessing.Event()
    workers = [
        multiprocessing.Process(target=_writer_process, args=(url, threads, per_thread, head_lock, start))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.0)  # let every process connect before the clock starts
    began = time.perf_counter()
    start.set()
    for worker in workers:
        worker.join()
    return began


def measure(url: str, processes: int, threads: int, per_thread: int, key: Path) -> dict[str, float]:
    total = processes * threads * per_thread
    engine = make_engine(url)
    ledger = SqlAuditLedger(engine, load_signer(key, create_if_missing=True))
    results: dict[str, float] = {}

    began = _run_writers(url, processes, threads, per_thread)
    results["plain_appends"] = total / (time.perf_counter() - began)
    ledger.seal()

    done = threading.Event()

    def sequencer() -> None:
        while not done.is_set():
            if ledger.seal() == 0:
                time.sleep(0.005)

    thread = threading.Thread(target=sequencer)
    thread.start()
    began = _run_writers(url, processes, threads, per_thread)
    done.set()
    thread.join()
    ledger.seal()  # what arrived after the last round
    results["chained_appends"] = total / (time.perf_counter() - began)
    assert ledger.head().size == 2 * total and ledger.unsealed_count() == 0

    for name, lean in (("lean_plain", None), ("lean_chained", None)):
        done.clear()
        thread = threading.Thread(target=sequencer)
        if name == "lean_chained":
            thread.start()
        began = _run_writers(url, processes, threads, per_thread, head_lock=lean)
        done.set()
        if name == "lean_chained":
            thread.join()
            ledger.seal()
            results[name] = total / (time.perf_counter() - began)
        else:
            results[name] = total / (time.perf_counter() - began)
            began = time.perf_counter()
            ledger.seal()
            results["seal_backlog"] = total / (time.perf_counter() - began)
    assert ledger.unsealed_count() == 0

    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_head (id int primary key, hash bytea not null)"))
        connection.execute(text("INSERT INTO bench_head VALUES (1, '\\x00')"))
    began = _run_writers(url, processes, threads, per_thread, head_lock=True)
    results["head_lock"] = total / (time.perf_counter() - began)
    ledger.seal()
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=250)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        factory = DatabaseFactory(Path(workdir), args.backend)
        try:
            url = factory.migrated()
            results = measure(url, args.processes, args.threads, args.per_thread, Path(workdir) / "key.pem")
        finally:
            factory.drop_all()
    writers = args.processes * args.threads
    print(
        f"{writers} writers ({args.processes} processes × {args.threads} threads), "
        f"{writers * args.per_thread} events per phase"
    )
    base = results["plain_appends"]
    for name, rate in results.items():
        print(f"{name:16s} {rate:8.0f}/s  {rate / base:5.2f}×")


if __name__ == "__main__":
    main()

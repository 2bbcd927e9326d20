"""What the work of one protected case read costs at least, in this machine's Python, piece by piece.

The live benchmark (`bench/http_load.py`) compares the whole read with the lean reference in
../shared/refbench. This one asks how far any read path could come down: it measures, in process, the
parts that no implementation of the read can leave out, each done the cheapest way Python offers,
and the same read through the service as it is.

statements   the SQL statements one read sends (principal row, case, items, basis, dossiers, audit
             insert), captured from the service and replayed on a raw DBAPI cursor: no SQLAlchemy,
             no mapping, rolled back instead of committed
decrypt      AES-256-GCM open and json.loads of every record of the case (the data key unwrapped
             once, as the process-wide key cache keeps it)
render       json.dumps of the response as the API sends it
service      the same read through the service: principal lookup, `get_case` (policy, view, audit
             event, commit) and the response's JSON, as a short-read thread runs it

`floor` is the sum of the first three: what a hand-written read would still spend beside HTTP and
whatever Python the policy, the view and the audit event need (counted here as nothing).

Run: `.venv/bin/python -m bench.read_floor [--backend URL] [--rounds N]`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from app.adapters.db.sealing import item_place, open_json
from app.entrypoints.api.v1.schemas.case_out import CaseOut
from app.services.cases import get_case
from app.services.context import RequestContext
from bench.case_read import demo_read, measure_from_command_line, timed

Captured = list[tuple[str, Any, bool]]


def _with_new_id(parameters: Any) -> Any:
    """The same row under a new primary key (the first column), in the driver's own parameter form."""
    if isinstance(parameters, list):
        return [_with_new_id(p) for p in parameters]
    if isinstance(parameters, dict):
        return {**parameters, "id": uuid.uuid4()}
    first = parameters[0]
    return (uuid.uuid4().hex if isinstance(first, str) else uuid.uuid4(), *parameters[1:])


def run(database_url: str, rounds: int) -> tuple[dict[str, float], dict[str, int]]:
    demo = demo_read(database_url, "demo-lead")
    container, user, case_id, person_id = demo.container, demo.user, demo.case_id, demo.person_id

    def service() -> bytes:
        principal = container.principal_directory.active_user(user.id)
        assert principal is not None
        ctx = RequestContext(principal, "bench", datetime.now(UTC))
        view = get_case(container.uow_factory(), ctx, case_id)
        return CaseOut.of(view, ctx.today).model_dump_json(exclude_unset=True).encode()

    captured: Captured = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool) -> None:
        captured.append((statement, parameters, many))

    service()  # warm every cache first, so the capture holds what a warm request sends
    event.listen(container.engine, "before_cursor_execute", capture)
    body = service()
    event.remove(container.engine, "before_cursor_execute", capture)
    # The transaction as the service ran it (on SQLite the engine sends its own BEGIN), rolled back.
    statements = [c for c in captured if not c[0].lstrip().upper().startswith(("COMMIT", "ROLLBACK"))]

    raw = container.engine.raw_connection()

    def replay() -> None:
        cursor = raw.cursor()
        for statement, parameters, many in statements:
            if statement.startswith("INSERT INTO audit_events"):
                parameters = _with_new_id(parameters)  # the captured event is stored already
            if many:
                cursor.executemany(statement, parameters)
            else:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
        cursor.close()
        raw.rollback()

    with container.uow_factory() as uow:
        sealed = uow.cases.load(case_id)
        assert sealed is not None
        key = uow.keys.data_key(person_id)
        records = [(r.id, r.sealed_content) for r in uow.cases._records[case_id]]

    def decrypt() -> None:
        for item_id, content in records:
            open_json(key, item_place(item_id, person_id), content)

    document = json.loads(body)

    def render() -> None:
        json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()

    results = {
        "statements": timed(replay, rounds),
        "decrypt": timed(decrypt, rounds),
        "render": timed(render, rounds),
        "service": timed(service, rounds),
    }
    results["floor"] = results["statements"] + results["decrypt"] + results["render"]
    sizes = {"statements": len(statements), "records": len(records), "bytes": len(body)}
    raw.close()
    container.engine.dispose()
    return results, sizes


def main() -> None:
    measured = measure_from_command_line(__doc__ or "", run)
    results, sizes = measured.results
    print(
        f"database: {measured.database}, rounds: {measured.rounds}, median; "
        f"{sizes['statements']} statements, {sizes['records']} records, {sizes['bytes']} bytes of JSON"
    )
    for name, seconds in results.items():
        print(f"{name:11s} {seconds * 1000:7.3f} ms   {seconds / results['service']:5.2f}× service")


if __name__ == "__main__":
    main()

"""The committed OpenAPI description is the one the code produces."""

from __future__ import annotations

import json

from app.entrypoints.cli.main import OPENAPI_FILE, render_openapi


def test_committed_openapi_is_up_to_date() -> None:
    assert OPENAPI_FILE.exists(), "openapi/openapi.json fehlt: `make openapi` ausführen"
    committed = OPENAPI_FILE.read_text(encoding="utf-8")
    assert committed == render_openapi(), "openapi/openapi.json ist veraltet: `make openapi` ausführen"


def test_every_v1_operation_documents_problem_responses() -> None:
    document = json.loads(render_openapi())
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in operations.items():
            problem_statuses = [
                status
                for status, response in operation["responses"].items()
                if "application/problem+json" in response.get("content", {})
            ]
            assert problem_statuses, f"{method.upper()} {path} dokumentiert keine Problem-Antworten"

"""The canonical form of an audit event: a JSON document encoded per RFC 8785 (JCS).

The document is what gets hashed and what an export carries, so an offline verifier can recompute
every hash from the export alone. Changing this mapping changes every hash: add fields only with a
new `v`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import rfc8785

from app.domain.audit import AuditAction, AuditEvent, AuditOutcome
from app.domain.categories import DataCategory

DOCUMENT_VERSION = 1


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def event_document(event: AuditEvent) -> dict[str, Any]:
    return {
        "v": DOCUMENT_VERSION,
        "id": str(event.id),
        "occurred_at": _time(event.occurred_at),
        "actor": {
            "id": str(event.actor_id),
            "kind": event.actor_kind,
            "name": event.actor_name,
            "institution_id": str(event.institution_id),
            "roles": list(event.roles),
        },
        "action": event.action.value,
        "operation": event.operation,
        "outcome": event.outcome.value,
        "reason": event.reason,
        "correlation_id": event.correlation_id,
        "case_id": _id(event.case_id),
        "person_id": _id(event.person_id),
        "categories": [c.value for c in event.categories],
        "withheld_categories": [c.value for c in event.withheld_categories],
        "bases": list(event.bases),
        "purpose": event.purpose,
        "recipient_institution_id": _id(event.recipient_institution_id),
        "record_ids": [str(r) for r in event.record_ids],
    }


def _uuid(value: object) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(str(value))


def event_from_document(document: dict[str, Any]) -> AuditEvent:
    """The inverse of `event_document`; raises KeyError/ValueError on a malformed document."""
    if document.get("v") != DOCUMENT_VERSION:
        raise ValueError("unbekannte Version des Protokolleintrags")
    actor = document["actor"]
    return AuditEvent(
        id=uuid.UUID(document["id"]),
        occurred_at=datetime.strptime(document["occurred_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        actor_id=uuid.UUID(actor["id"]),
        actor_kind=actor["kind"],
        actor_name=actor["name"],
        institution_id=uuid.UUID(actor["institution_id"]),
        roles=tuple(actor["roles"]),
        action=AuditAction(document["action"]),
        operation=document["operation"],
        outcome=AuditOutcome(document["outcome"]),
        reason=document["reason"],
        correlation_id=document["correlation_id"],
        case_id=_uuid(document["case_id"]),
        person_id=_uuid(document["person_id"]),
        categories=tuple(DataCategory(c) for c in document["categories"]),
        withheld_categories=tuple(DataCategory(c) for c in document["withheld_categories"]),
        bases=tuple(document["bases"]),
        purpose=document["purpose"],
        recipient_institution_id=_uuid(document["recipient_institution_id"]),
        record_ids=tuple(uuid.UUID(r) for r in document["record_ids"]),
    )


MAX_SAFE_INTEGER = 2**53 - 1


def canonical_bytes(document: Any) -> bytes:
    """RFC 8785. Documents of strings, safe integers, booleans, null, lists and objects with ASCII
    keys (all our events) take a fast path through `json`, which then writes exactly the JCS text:
    sorted keys, no whitespace, the same escapes; anything else goes through `rfc8785`. A property
    test holds both to the same output."""
    if _json_compatible(document):
        text = json.dumps(
            document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
        return text.encode("utf-8")
    return rfc8785.dumps(document)


def _json_compatible(value: Any) -> bool:
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if isinstance(value, list):
        return all(_json_compatible(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and k.isascii() and _json_compatible(v) for k, v in value.items())
    return False

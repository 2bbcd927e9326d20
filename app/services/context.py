"""What every use case receives besides the unit of work: who acts, when, under which request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.audit import AuditEvent
from app.domain.principal import Principal


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    correlation_id: str
    now: datetime
    purpose: str = "Fallführung"

    @property
    def today(self) -> date:
        return self.now.date()

    def audit_event(self, **details: object) -> AuditEvent:
        details.setdefault("purpose", self.purpose)
        return AuditEvent.by(
            self.principal, occurred_at=self.now, correlation_id=self.correlation_id, **details
        )

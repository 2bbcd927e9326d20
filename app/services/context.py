"""What every use case receives besides the unit of work: who acts, when, under which request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.audit import AuditEvent
from app.domain.principal import Principal

LOCAL_TIME = ZoneInfo("Europe/Zurich")


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    correlation_id: str
    now: datetime
    purpose: str = "Fallführung"

    @property
    def today(self) -> date:
        """The calendar day in Solothurn: "not in the future" and due dates follow local time."""
        return self.now.astimezone(LOCAL_TIME).date()

    def audit_event(self, **details: object) -> AuditEvent:
        details.setdefault("purpose", self.purpose)
        return AuditEvent.by(
            self.principal, occurred_at=self.now, correlation_id=self.correlation_id, **details
        )

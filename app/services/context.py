"""What every use case receives besides the unit of work: who acts, when, under which request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.domain.audit import AuditEvent
from app.domain.principal import Principal
from app.services.access_config import AccessConfig

LOCAL_TIME = ZoneInfo("Europe/Zurich")


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    correlation_id: str
    now: datetime
    purpose: str = "Fallführung"
    access: AccessConfig = field(default_factory=AccessConfig)  # rule book and limits of access

    @property
    def today(self) -> date:
        """The calendar day in Solothurn: "not in the future" and due dates follow local time."""
        return self.now.astimezone(LOCAL_TIME).date()

    def audit_event(self, **details: object) -> AuditEvent:
        details.setdefault("purpose", self.purpose)
        return AuditEvent.by(
            self.principal, occurred_at=self.now, correlation_id=self.correlation_id, **details
        )

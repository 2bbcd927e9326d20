"""PostgreSQL privileges of the service's database role.

The triggers refuse UPDATE and DELETE on the audit tables for everyone; the privileges add a second
wall: the service's role may only read and append there. Schema changes and pruning run as the
owner role (migrations, `cockpit audit prune`), never as the service.
"""

from __future__ import annotations

import re

AUDIT_APPEND_ONLY = ("audit_events", "audit_seals", "audit_tree_states", "audit_checkpoints")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grants_sql(role: str) -> str:
    if not _IDENTIFIER.fullmatch(role):
        raise ValueError("Rollenname: Kleinbuchstaben, Ziffern und _ (höchstens 63 Zeichen)")
    tables = ", ".join(AUDIT_APPEND_ONLY)
    # the role name is checked above; the tables are constants
    return f"""\
-- Privileges of the Cockpit service role "{role}" (run as the owner after every migration).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
-- Audit log: read and append only.
REVOKE UPDATE, DELETE, TRUNCATE ON {tables} FROM {role};
-- Pruning (export plus checkpoint) is an operator task under the owner role.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_prunes FROM {role};
-- The sealing queue is worked off by the sequencer, which runs as the service.
REVOKE UPDATE, TRUNCATE ON audit_pending FROM {role};
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM {role};
"""  # noqa: S608

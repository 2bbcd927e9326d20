"""Operational metrics on prometheus_client's default registry (exposed by the app's /metrics).

Counters of things that happen in this process (key-provider errors, failed logins, webhook
outcomes, dead letters, worker and sequencer failures); the state of the database is read at scrape
time by the collector of app/adapters/database_metrics.py. This module imports no table, so every
adapter package may count here. Labels carry ids and fixed words only, never personal data.
"""

from __future__ import annotations

from prometheus_client import Counter

KEY_PROVIDER_ERRORS = Counter(
    "cockpit_key_provider_errors", "Failed wrap/unwrap calls of the key provider (KEK).", ["operation"]
)
LOGIN_FAILURES = Counter(
    "cockpit_login_failures", "Refused logins (thin client password or code, OAuth client).", ["channel"]
)
WEBHOOK_DELIVERIES = Counter(
    "cockpit_webhook_deliveries", "Webhook delivery attempts by outcome.", ["outcome"]
)
DEAD_LETTERS = Counter("cockpit_webhook_dead_letters", "Deliveries that became dead letters in this process.")
WORKER_PASS_FAILURES = Counter(
    "cockpit_worker_pass_failures", "Worker passes that failed (and were retried)."
)
SEQUENCER_FAILURES = Counter(
    "cockpit_sequencer_failures",
    "Failed rounds of the sequencer (audit sealing, outbox positions).",
    ["part"],
)

"""The entry points: the HTTP API, the thin web client and the operator CLI."""

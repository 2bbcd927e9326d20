"""The operator CLI (`cockpit --help`)."""

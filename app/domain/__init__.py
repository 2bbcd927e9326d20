"""Pure domain model of Cockpit: no framework, no database, no I/O."""

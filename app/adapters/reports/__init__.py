"""Documents for people outside the platform (the client's access report)."""

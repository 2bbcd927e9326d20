"""Request and response bodies of API v1."""

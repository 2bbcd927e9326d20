"""Use cases of authentication: system clients and their tokens, caseworker login and sessions."""

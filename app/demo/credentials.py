"""The documented development password of the demo users, so `make run` allows a login.

Only for dev and test (the demo seed is refused in production). Users that already have a password
keep it: a second run changes nothing.
"""

from __future__ import annotations

from app.demo.directory import USERS
from app.services.identity.login import set_password
from app.services.identity.ports import IdentityUnitOfWork, PasswordHasher

DEMO_PASSWORD = "cockpit-demo"  # noqa: S105 - documented in the README, dev and test only


def seed_demo_passwords(uow: IdentityUnitOfWork, hasher: PasswordHasher) -> int:
    """Give every demo user without a password the demo password; the number of users changed."""
    changed = 0
    for username, *_ in USERS:
        with uow:
            user = uow.users.by_username(username)
            credentials = uow.identity.credentials(user.id) if user else None
        if user is not None and (credentials is None or credentials.password_hash is None):
            set_password(uow, hasher, username, DEMO_PASSWORD)
            changed += 1
    return changed

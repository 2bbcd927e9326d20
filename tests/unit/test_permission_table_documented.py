"""The README's permission table says what app/domain/permissions.py enforces."""

from __future__ import annotations

import re

from app.domain.permissions import ROLE_PERMISSIONS, SYSTEM_CLIENT_PERMISSIONS, Permission
from app.domain.principal import Role
from app.settings import PROJECT_ROOT

COLUMNS = [Role.CASEWORKER, Role.SUPERVISOR, Role.DPO, Role.ADMIN, Role.STEERING, "system"]


def test_readme_permission_table_matches_the_code() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    documented: dict[str, list[bool]] = {}
    for line in readme.splitlines():
        match = re.match(r"^\| `([a-z._]+)`[^|]*\|(.*)\|$", line)
        if match and match.group(1) in {p.value for p in Permission}:
            documented[match.group(1)] = [cell.strip() == "✓" for cell in match.group(2).split("|")]
    assert set(documented) == {p.value for p in Permission}
    for permission in Permission:
        expected = [permission in ROLE_PERMISSIONS[role] for role in COLUMNS[:5]]
        expected.append(permission in SYSTEM_CLIENT_PERMISSIONS)
        assert documented[permission.value] == expected, permission

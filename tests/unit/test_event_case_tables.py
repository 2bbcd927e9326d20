"""The event side names a few case columns itself (app/adapters/events/case_tables.py): they must be
columns of the schema, of the same kind."""

from __future__ import annotations

import pytest
from sqlalchemy import TableClause

from app.adapters.events.case_tables import (
    case_items,
    cases,
    consents,
    institutions,
    invitations,
    participants,
)
from app.adapters.schema import metadata


@pytest.mark.parametrize(
    "light", [cases, participants, institutions, case_items, consents, invitations], ids=lambda t: t.name
)
def test_the_light_tables_name_columns_of_the_schema(light: TableClause) -> None:
    table = metadata.tables[light.name]
    for column in light.columns:
        assert column.name in table.columns, f"{light.name}.{column.name}"
        schema_type = table.columns[column.name].type
        assert column.type._type_affinity is schema_type._type_affinity, f"{light.name}.{column.name}"

"""The complete schema: the tables of adapters/db and of adapters/events on the shared metadata.

Migrations and the schema comparison read it from here; the two packages do not import each other.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from app.adapters.db import models as _db_tables  # noqa: F401
from app.adapters.events import models as _event_tables  # noqa: F401
from app.adapters.sql_base import Base

metadata: MetaData = Base.metadata

"""Alembic's environment: migrations run on the connection `publishing.db.migrate` hands over,
or on CARTE_DATABASE_URL (or the default SQLite file) when Alembic is called on its own."""
from __future__ import annotations

from alembic import context

from publishing import db

connection = context.config.attributes.get("connection")
if connection is None:
    with db.engine().begin() as connection:
        context.configure(connection=connection, target_metadata=db.Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=db.Base.metadata, render_as_batch=True)
    context.run_migrations()

"""Alembic environment: the engine comes from the app (see webapp.cli.alembic_config)."""

from alembic import context

import representatives.tables  # noqa: F401  (registers the tables on the metadata)
import webapp.followup.models  # noqa: F401
import webapp.models  # noqa: F401
import webapp.partners.models  # noqa: F401
import webapp.staff.models  # noqa: F401
from database import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from database import make_engine
        from webapp.config import config_from_env

        engine = make_engine(config_from_env().database_url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode drops and recreates a table: with foreign keys enforced, dropping a
            # parent table (submission) would delete its children's rows (ON DELETE CASCADE).
            # The pragma only takes effect outside a transaction, hence before it begins.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


run_migrations_online()

"""Looking for a supporter's data in every column of every table that can hold text."""

from __future__ import annotations

from sqlalchemy import JSON, String, Text, inspect, select
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.types import Unicode, UnicodeText


def _holds_text(column_type) -> bool:
    return isinstance(column_type, (String, Text, Unicode, UnicodeText, JSON)) or (
        type(column_type).__name__.upper() in {"JSON", "JSONB"})


def text_columns(engine) -> list[tuple[str, str]]:
    """(table, column) of every text, varchar and JSON column, as the database has them."""
    inspector = inspect(engine)
    return [(name, column["name"]) for name in inspector.get_table_names()
            for column in inspector.get_columns(name) if _holds_text(column["type"])]


def where_found(engine, values: dict[str, str]) -> list[tuple[str, str, str]]:
    """(table, column, which value) for every stored text holding one of `values` (by their
    label), case ignored. Every value of every text column is read."""
    wanted = {label: value.lower() for label, value in values.items()}
    found = []
    columns = text_columns(engine)
    assert columns, "no text columns: is this the app's database?"
    with engine.connect() as connection:
        for table_name, column_name in columns:
            stored = connection.execute(select(sql_column(column_name)).select_from(
                sql_table(table_name, sql_column(column_name)))).scalars()
            for value in stored:
                if value is None:
                    continue
                as_text = value if isinstance(value, str) else repr(value)
                found += [(table_name, column_name, label) for label, wanted_value in
                          wanted.items() if wanted_value in as_text.lower()]
    return sorted(set(found))

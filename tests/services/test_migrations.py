"""Migrations build the schema from empty on this database, matching the models."""

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import MIGRATIONS, empty_tables, wipe_schema


def test_upgrade_from_empty_builds_every_table_of_the_models(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        wipe_schema()
        assert set(inspect(db.engine).get_table_names()) == set()
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        assert "alembic_version" in tables


def test_downgrade_to_base_and_upgrade_again(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        empty_tables()

"""Migrations build the schema from empty on this database, and match the models."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import MIGRATIONS, wipe_schema


@pytest.fixture()
def bare(app: Flask) -> Iterator[Flask]:
    """A database with nothing in it; afterwards the full schema again for the other tests."""
    with app.app_context():
        db.session.remove()
        wipe_schema()
        yield app
        db.session.remove()
        wipe_schema()
        db.create_all()


def test_upgrade_from_empty_builds_every_table_of_the_models(bare: Flask) -> None:
    assert set(inspect(db.engine).get_table_names()) == set()
    upgrade(directory=MIGRATIONS)
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_migrations_match_the_models(bare: Flask) -> None:
    """Alembic finds nothing to add or change: every model change comes with its migration."""
    upgrade(directory=MIGRATIONS)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(bare: Flask) -> None:
    upgrade(directory=MIGRATIONS)
    downgrade(directory=MIGRATIONS, revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade(directory=MIGRATIONS)
    assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())

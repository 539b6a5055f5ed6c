"""Imports every capability's models (app/<capability>/models.py) so SQLAlchemy and Alembic see all tables."""

import importlib
import pkgutil
from pathlib import Path

CAPABILITIES = sorted(
    info.name for info in pkgutil.iter_modules([str(Path(__file__).parent)])
    if info.ispkg and (Path(__file__).parent / info.name / "models.py").exists()
)

for _name in CAPABILITIES:
    importlib.import_module(f"app.{_name}.models")

"""WSGI app for tests/services/test_crash.py: the test's SQLite file; paused before the commit while armed."""

import os
from pathlib import Path

from app import create_app

ARMED = Path(os.environ["CRASH_ARM_FILE"]).exists()  # read when a worker boots: a restarted one finds it gone

config: dict[str, object] = {
    "SECRET_KEY": os.environ["CRASH_SECRET_KEY"],
    "SQLALCHEMY_DATABASE_URI": os.environ["CRASH_DATABASE_URL"],
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_STORAGE_URI": "memory://",
}
if ARMED:
    config |= {"CRASH_TEST_PAUSE_FILE": os.environ["CRASH_PAUSE_FILE"], "CRASH_TEST_PAUSE_SECONDS": 30}

app = create_app(config)

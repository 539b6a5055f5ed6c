"""The job queue as the factory plugs it in: each audience's job status pages and `flask jobs worker`."""

from app.capabilities import Capability
from app.jobs.cli import jobs_cli
from app.jobs.views import BLUEPRINTS

CAPABILITY = Capability("jobs", blueprints=tuple(BLUEPRINTS), commands=(jobs_cli,))

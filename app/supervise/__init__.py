"""Supervisors' read-only pages (/supervise/): everything, audited, never changed."""

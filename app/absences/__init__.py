"""Absences (缺席): a contestant recorded as staying away from a round, so no sheets are expected."""

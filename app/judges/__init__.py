"""Judges: the contest's pool of 评委 with unit, field and home place for recusal."""

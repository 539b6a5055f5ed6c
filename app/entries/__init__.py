"""Entries: a village's or township's place in a contest group, held by a secretary."""

"""Panels: judges per round, group and session, recusal (回避), random draws; sessions and running order."""

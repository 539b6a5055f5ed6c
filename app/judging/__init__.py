"""Judges' and fund reviewers' pages (/judge/)."""

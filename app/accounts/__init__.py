"""Accounts: users, roles, login, passwords and activation codes."""

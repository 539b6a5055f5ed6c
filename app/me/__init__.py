"""A secretary's own portal (/me/): only their own entry, only once published."""

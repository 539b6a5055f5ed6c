"""Publication: the published-version record of any kind (a result, later a fund allocation) and its sign-off."""

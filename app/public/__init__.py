"""Public pages (/public/, /verify/, /screen/): no login, GET only, nothing internal."""

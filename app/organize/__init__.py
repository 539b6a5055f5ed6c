"""Organizers' pages (/organize/): home, accounts; later capabilities add their own."""

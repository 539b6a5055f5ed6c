"""People: Excel import of contestants and judges, their accounts, login slips."""

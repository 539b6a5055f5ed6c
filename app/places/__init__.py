"""Places: Yangquan's counties, townships and villages (real reference data)."""

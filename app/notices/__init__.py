"""Notices (公示): the public notice of a published result, its objections, 复核 and finalization."""

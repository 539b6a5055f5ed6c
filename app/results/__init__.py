"""Results: the scoring input built from confirmed sheets, preview, supervisor sign-off, published versions."""

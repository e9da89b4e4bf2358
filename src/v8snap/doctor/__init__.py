"""doctor stage."""

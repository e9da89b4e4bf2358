"""blueprint stage."""

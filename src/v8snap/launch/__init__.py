"""Run an app from its snapshot blob: launcher script, full verification, plain fallback."""

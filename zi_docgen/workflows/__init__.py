"""Workflows that run the stages for the CLI and the web editor: build, new-year."""

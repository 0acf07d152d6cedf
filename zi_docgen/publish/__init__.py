"""Stage 4, publish: atomic writes of DOCX, PDF and the manifest."""

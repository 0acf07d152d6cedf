"""Stage 3, render: the resolved decree → DOCX bytes through the Word templates."""

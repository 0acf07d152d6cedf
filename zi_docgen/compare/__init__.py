"""Stage 3, compare: two resolved decrees (or two DOCX files) → the differences, as a report or a redline."""

"""Word XML and OPC package knowledge, in one place (the lowest layer above errors).

- `xml`: WordprocessingML names, the text Word shows for a paragraph, the block
  structure of a body, and where a child element goes in its parent (schema order).
- `package`: the deterministic zip writer (fixed timestamps from SOURCE_DATE_EPOCH)
  used for every DOCX this tool writes.
- `reading`: safe, bounded reading of a DOCX someone gave us: sizes and compression
  ratio are checked from the zip directory before anything is decompressed.

render, compare and tools/make_templates.py use these; none of them builds zip
entries or orders Word elements by hand.
"""

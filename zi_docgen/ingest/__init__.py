"""Reading hand-typed decrees: a .docx → its paragraphs (docxread) → the decree's
structure as recognised (structure). Used by `zi-docgen import` and `check FILE.docx`.

It sits beside check, render and compare: it reads documents, and may use resolve
(labels) and load (the model's names), never the stages above.
"""

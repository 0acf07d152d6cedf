"""Stage 2, resolve: one office and one year → the decree as it will read (a typed document tree)."""

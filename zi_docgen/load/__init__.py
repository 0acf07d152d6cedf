"""Stage 1, load: YAML files → validated pydantic models, every value with its file:line."""

"""Use cases: the only door to client data. Faces (CLI, web, jobs) call these and nothing below them."""

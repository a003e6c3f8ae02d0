"""Data classes, masking and PII detection (see DOMAIN.md, "Data classes")."""

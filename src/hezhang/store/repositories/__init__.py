"""Thin repositories: rows in and out, S2 columns as ciphertext bytes, always inside the unit of work's clients."""

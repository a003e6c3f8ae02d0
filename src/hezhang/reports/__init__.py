"""Renderers of what services hand them (already masked where the data class asks for it)."""

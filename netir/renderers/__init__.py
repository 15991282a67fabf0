"""Diagrams, tables and the gallery (imports graphviz lazily)."""

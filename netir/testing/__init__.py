"""Tools for testing netir and plugins: Hypothesis strategies (needs ``hypothesis``)."""

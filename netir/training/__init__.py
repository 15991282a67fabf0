"""Training the emitted models: agreement across frameworks, and a watched run on data.

Imports no framework until a function runs.
"""

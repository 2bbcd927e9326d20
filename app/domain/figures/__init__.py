"""Cantonal steering figures: facts recorded for the evaluation, indicators, small-cell protection.

Pure Python. The figures are computed from structured metadata only; nothing here ever sees case
content or a key.
"""

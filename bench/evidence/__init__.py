"""The fault suite behind `make evidence` (see bench/evidence/__main__.py)."""

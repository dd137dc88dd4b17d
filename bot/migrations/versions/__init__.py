"""Revisions, oldest first by id (0001, 0002, …)."""

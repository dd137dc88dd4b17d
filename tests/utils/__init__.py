"""Test helpers shared by the layers: factories for stored rows and builders for input files."""

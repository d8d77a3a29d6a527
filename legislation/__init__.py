"""Collaborative legislation: a bill's text as sections, annotations, amendments, versions and their diffs."""

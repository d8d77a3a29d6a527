"""Test support code shared across the suite (not tests themselves)."""

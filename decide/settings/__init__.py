"""Settings by environment: base (shared), dev (`make run`), test, production."""

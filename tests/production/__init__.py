"""The production shape (`make serve`) started and walked in a browser; backups and restores."""

"""Deployment tooling outside the apps (deploy/)."""

"""Notifications: who hears what, in their language, on their channel (in-app, email, SMS), sent in the background."""

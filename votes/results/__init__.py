"""Results of a poll: statistics by group, suppression, publication, charts, exports and their pages."""

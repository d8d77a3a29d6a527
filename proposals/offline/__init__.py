"""Participation without a browser of one's own: acts at the officer desk, paper signature sheets, SMS.

Every channel counts the same (DESIGN.md): a support from the desk, a paper sheet or an SMS goes
through `proposals.services.support_record` under the proposal's row lock, so the one support
per census record holds across channels; every act names its channel, officer and place.
"""

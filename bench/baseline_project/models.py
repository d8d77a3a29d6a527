"""One table: a choice per (poll, voter), the unique constraint doing what Decide's does."""

from django.conf import settings
from django.db import models


class Ballot(models.Model):
    poll = models.PositiveIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    choice = models.CharField(max_length=20)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="baseline_one_ballot_per_voter")]

    def __str__(self) -> str:
        return f"ballot of voter {self.voter_id} in poll {self.poll}"

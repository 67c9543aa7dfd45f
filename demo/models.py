from django.db import models


class DatasetBuild(models.Model):
    """The synthetic dataset this database holds (demo/management/commands/build_dataset.py)."""

    scale = models.CharField(max_length=200)
    seed = models.IntegerField()
    homes = models.PositiveIntegerField()
    # What the builder makes changes now and then (homes' habits, say): a dataset built by an
    # older builder is rebuilt rather than reused. 2: habits daily, weekly, monthly, lapsed.
    # 3: occupancy like England's (about 86% occupied, 11% vacant accepting, 3% not available).
    # 4: home-care agencies beside the homes (ADR 019).
    # 5: a year of home-care package requests (ADR 025).
    VERSION = 5
    version = models.PositiveSmallIntegerField(default=1)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.scale} dataset, seed {self.seed}: {self.homes:,} homes"

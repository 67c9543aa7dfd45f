"""What the public pages add to lower layers (tracker/contributions.py): where a home's public
page is, and where its staff edit it (a home's page and a council's list link to them)."""

from django.urls import reverse

from tracker.contributions import LINKS, Link, contribute

contribute(LINKS)(Link("public page", lambda home: reverse("public:profile", args=[home.cqc_location_id])))
contribute(LINKS)(Link("public page editor", lambda home: reverse("public:edit", args=[home.pk])))

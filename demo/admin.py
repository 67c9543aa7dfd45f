from django.contrib import admin

from demo.models import DatasetBuild
from tracker.admin_site import AppendOnlyAdmin


@admin.register(DatasetBuild)
class DatasetBuildAdmin(AppendOnlyAdmin):
    """Which synthetic dataset the database holds (manage.py build_dataset)."""

    list_display = ["scale", "seed", "homes", "built_at"]

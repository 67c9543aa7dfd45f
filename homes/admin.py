from django.contrib import admin

from homes.models import CareHomeChange, CqcLocation, CqcSyncRun, ImportColumnMapping, ImportJob
from registers.models import CQC_FACTS, CareHome, HomeCareAgency
from tracker.admin_site import AppendOnlyAdmin, ReadOnlyInline


# Care homes and agencies are registers' models; their admin pages are here because they show each one's
# history (CareHomeChange, homes').
class CareHomeChangeInline(ReadOnlyInline):
    model = CareHomeChange
    readonly_fields = ["changed_at", "changed_by", "source", "field", "old_value", "new_value", "note"]


@admin.register(CareHome)
class CareHomeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "cqc_location_id",
        "provider",
        "town",
        "postcode",
        "local_authority",
        "cqc_rating",
        "status",
    ]
    list_filter = ["status", "service_type", "cqc_rating", "local_authority__region", "local_authority"]
    search_fields = ["name", "cqc_location_id", "postcode", "town", "provider__name"]
    autocomplete_fields = ["provider", "local_authority"]
    list_select_related = ["provider", "local_authority"]
    # CQC's facts come from CQC; a correction needs a reason: the home's "Correct CQC's facts" page.
    readonly_fields = ["version", "created_at", "updated_at", *CQC_FACTS]
    inlines = [CareHomeChangeInline]


@admin.register(HomeCareAgency)
class HomeCareAgencyAdmin(CareHomeAdmin):
    """Home-care agencies: CQC locations like homes, listed apart (ADR 019)."""

    list_filter = ["status", "cqc_rating", "local_authority__region", "local_authority"]
    readonly_fields = [*CareHomeAdmin.readonly_fields, "kind", "service_type"]


@admin.register(CareHomeChange)
class CareHomeChangeAdmin(AppendOnlyAdmin):
    list_display = ["home", "field", "source", "changed_by", "changed_at"]
    list_filter = ["source"]
    search_fields = ["home__name", "field"]
    list_select_related = ["home", "changed_by"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "uploaded_by", "local_authority", "status", "to_create", "to_update", "created_at"]
    list_filter = ["status", "local_authority"]
    search_fields = ["filename", "uploaded_by__email"]
    list_select_related = ["uploaded_by", "local_authority"]
    exclude = ["content"]
    readonly_fields = [f.name for f in ImportJob._meta.fields if f.name != "content"]

    def has_add_permission(self, request):
        return False


@admin.register(ImportColumnMapping)
class ImportColumnMappingAdmin(admin.ModelAdmin):
    """What each council's files' headings hold, as chosen in the mapping step: correct or delete a choice here."""

    list_display = ["heading", "field", "local_authority", "chosen_by", "chosen_at"]
    list_filter = ["local_authority"]
    search_fields = ["heading", "field"]
    list_select_related = ["local_authority", "chosen_by"]
    readonly_fields = ["chosen_by", "chosen_at"]


@admin.register(CqcLocation)
class CqcLocationAdmin(admin.ModelAdmin):
    """The portal's copy of CQC's register: written by the CQC sync only."""

    list_display = [
        "name",
        "location_id",
        "postcode",
        "local_authority",
        "registered",
        "registration_date",
        "checked_at",
    ]
    list_filter = ["registered"]
    search_fields = ["name", "location_id", "postcode"]
    list_select_related = ["local_authority"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CqcSyncRun)
class CqcSyncRunAdmin(admin.ModelAdmin):
    """Runs of the CQC sync, read only (the service admins' page is /cqc-sync/)."""

    list_display = ["started_at", "kind", "status", "position", "finished_at", "requests"]
    list_filter = ["kind", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

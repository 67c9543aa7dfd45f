from django.contrib import admin

from homecare.models import AgencyCapacity, AgencyShortlistEntry, CapacityChange, CoveredDistrict
from tracker.admin_site import AppendOnlyAdmin


@admin.register(AgencyCapacity)
class AgencyCapacityAdmin(admin.ModelAdmin):
    list_display = ["agency", "hours_available", "earliest_start", "two_carer_calls_now", "last_confirmed_at"]
    list_filter = ["two_carer_calls_now", "agency__local_authority"]
    search_fields = ["agency__name", "agency__cqc_location_id"]
    list_select_related = ["agency"]
    # Versioned like a home's beds (ADR 003): changed on the agency's pages, which keep its history.
    readonly_fields = ["agency", "version", "last_confirmed_at"]


@admin.register(CoveredDistrict)
class CoveredDistrictAdmin(admin.ModelAdmin):
    list_display = ["agency", "district", "hours_available"]
    search_fields = ["agency__name", "district__code"]
    list_select_related = ["agency"]
    raw_id_fields = ["agency", "district"]


@admin.register(CapacityChange)
class CapacityChangeAdmin(AppendOnlyAdmin):
    list_display = ["agency", "kind", "summary", "made_by", "made_at"]
    list_filter = ["kind"]
    search_fields = ["agency__name", "summary"]
    list_select_related = ["agency", "made_by"]


@admin.register(AgencyShortlistEntry)
class AgencyShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ["agency", "user", "added_at"]
    search_fields = ["agency__name", "user__email"]
    list_select_related = ["agency", "user"]
    raw_id_fields = ["agency", "user"]

from django.contrib import admin

from tracker.admin_site import AppendOnlyAdmin, ReadOnlyInline
from vacancies.models import (
    BedHold,
    CapacitySnapshot,
    CategoryVacancy,
    FigureReport,
    FreshnessSnapshot,
    HomeVacancies,
    Reminder,
    SavedSearch,
    SearchAlert,
    ShortlistEntry,
    VacancyChange,
    VacancyUpdate,
)


class CategoryVacancyInline(admin.TabularInline):
    model = CategoryVacancy
    fk_name = "home"
    extra = 0


@admin.register(HomeVacancies)
class HomeVacanciesAdmin(admin.ModelAdmin):
    list_display = ["home", "vacant_accepting_total", "closed_to_admissions", "last_confirmed_at", "version"]
    list_filter = ["closed_to_admissions", "home__local_authority"]
    search_fields = ["home__name", "home__cqc_location_id"]
    list_select_related = ["home"]
    readonly_fields = ["home", "version", "last_confirmed_at", "last_confirmed_by"]


@admin.register(CategoryVacancy)
class CategoryVacancyAdmin(admin.ModelAdmin):
    list_display = ["home", "category", "capacity", "occupied", "vacant_accepting", "vacant_unavailable", "closed"]
    list_filter = ["category", "closed", "sex"]
    search_fields = ["home__name", "home__cqc_location_id"]
    list_select_related = ["home"]


class VacancyChangeInline(ReadOnlyInline):
    model = VacancyChange
    readonly_fields = ["category", "field", "old_value", "new_value"]


@admin.register(VacancyUpdate)
class VacancyUpdateAdmin(AppendOnlyAdmin):
    list_display = ["home", "kind", "made_by", "made_at", "version"]
    list_filter = ["kind"]
    search_fields = ["home__name", "made_by__email"]
    list_select_related = ["home", "made_by"]
    inlines = [VacancyChangeInline]


@admin.register(VacancyChange)
class VacancyChangeAdmin(AppendOnlyAdmin):
    list_display = ["update", "category", "field", "old_value", "new_value"]
    search_fields = ["update__home__name"]
    list_select_related = ["update__home"]


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "home", "added_at"]
    search_fields = ["user__email", "home__name"]
    list_select_related = ["user", "home"]


@admin.register(CapacitySnapshot)
class CapacitySnapshotAdmin(AppendOnlyAdmin):
    list_display = ["date", "local_authority", "category", "homes", "capacity", "vacant_accepting"]
    list_filter = ["category", "date"]
    search_fields = ["local_authority__name"]
    list_select_related = ["local_authority"]


@admin.register(FreshnessSnapshot)
class FreshnessSnapshotAdmin(AppendOnlyAdmin):
    list_display = ["date", "local_authority", "homes", "updated", "closed"]
    list_filter = ["date"]
    search_fields = ["local_authority__name"]
    list_select_related = ["local_authority"]


@admin.register(Reminder)
class ReminderAdmin(AppendOnlyAdmin):
    list_display = ["home", "date", "sent_at", "sent_by", "recipients", "channel"]
    list_filter = ["channel", "date"]
    search_fields = ["home__name"]
    list_select_related = ["home", "sent_by"]


@admin.register(BedHold)
class BedHoldAdmin(AppendOnlyAdmin):
    """Holds start and end through enquiries (enquiries/flows.py), which keep the history."""

    list_display = ["home", "category", "held_for", "held_until", "outcome", "ended_at"]
    list_filter = ["outcome", "category"]
    search_fields = ["home__name", "home__cqc_location_id", "held_for"]
    list_select_related = ["home"]


@admin.register(FigureReport)
class FigureReportAdmin(AppendOnlyAdmin):
    list_display = ["home", "problem", "category", "reported_by", "reported_at"]
    list_filter = ["problem"]
    search_fields = ["home__name", "home__cqc_location_id", "reported_by__email"]
    list_select_related = ["home", "reported_by"]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["label", "user", "alerts", "checked_at", "alerted_at"]
    list_filter = ["alerts"]
    search_fields = ["label", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["matching", "checked_at", "alerted_at", "created_at"]


@admin.register(SearchAlert)
class SearchAlertAdmin(AppendOnlyAdmin):
    list_display = ["saved_search", "home_names", "created_at"]
    search_fields = ["home_names", "saved_search__user__email"]
    list_select_related = ["saved_search"]

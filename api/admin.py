from django.contrib import admin

from api.models import ApiKey, ChangeFeedStart


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made and revoked on the API keys page (the key is shown once there)."""

    list_display = ["name", "prefix", "kind", "local_authority", "provider", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["name", "prefix", "local_authority__name", "provider__name"]
    list_select_related = ["local_authority", "provider"]
    readonly_fields = ["prefix", "key_hash", "created_by", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ChangeFeedStart)
class ChangeFeedStartAdmin(admin.ModelAdmin):
    """Where the API's changes feed begins after each night's pruning (manage.py prune_changes)."""

    list_display = ["txid", "pruned_at"]
    readonly_fields = ["txid", "pruned_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from registers.models import LocalAuthority, Postcode, PostcodeArea, Provider, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "gss_code", "kind", "is_social_care_authority", "region"]
    list_filter = ["is_social_care_authority", "kind", "region"]
    search_fields = ["name", "gss_code", "official_name"]
    list_select_related = ["region"]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "is_sector", "latitude", "longitude", "local_authority"]
    list_filter = ["is_sector"]
    search_fields = ["code"]
    list_select_related = ["local_authority"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude", "lad_code"]
    search_fields = ["postcode"]
    show_full_result_count = False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "cqc_provider_id", "created_at"]
    search_fields = ["name", "cqc_provider_id"]

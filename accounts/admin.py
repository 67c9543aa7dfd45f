from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.template.defaultfilters import pluralize
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.models import AuditEvent, Invitation, Membership, Team, User
from accounts.two_factor import tell_second_factor_changed
from tracker.admin_site import AppendOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["home", "provider", "local_authority"]
    readonly_fields = ["created_at", "created_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__role"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "default_search_postcode"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication (lost phone and recovery codes)")
    def reset_two_factor(self, request, queryset):
        """Removes the person's authenticator app and recovery codes: any session
        they have stops counting as verified, and at their next sign-in they
        set up again. Recorded in the audit trail."""
        with transaction.atomic():
            people = list(queryset)
            for person in people:
                TOTPDevice.objects.filter(user=person).delete()
                StaticDevice.objects.filter(user=person).delete()
                audit.record(audit.Action.TWO_FACTOR_RESET, target=person.email, request=request)
                transaction.on_commit(lambda person=person: tell_second_factor_changed(person, "reset"))
        self.message_user(
            request,
            f"Two-factor authentication reset for {len(people)} "
            f"{pluralize(len(people), 'person,people')}: they set it up again at their next sign-in.",
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "home", "provider", "local_authority", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "home__name", "provider__name", "local_authority__name"]
    autocomplete_fields = ["user", "home", "provider", "local_authority"]
    list_select_related = ["user", "home", "provider", "local_authority"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "home", "provider", "local_authority", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["role", "accepted_at", "revoked_at"]
    search_fields = ["email", "full_name", "home__name"]
    list_select_related = ["home", "provider", "local_authority"]
    readonly_fields = ["token_hash", "invited_by", "created_at", "sent_at", "accepted_at", "accepted_by"]
    autocomplete_fields = ["home", "provider", "local_authority"]


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdmin):
    list_display = ["at", "action", "email", "ip_address", "target", "request_id"]
    list_filter = ["action"]
    search_fields = ["email", "target", "detail", "request_id"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "local_authority", "reply_within_hours", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name", "organisation", "local_authority__name"]
    list_select_related = ["local_authority"]
    readonly_fields = ["created_at", "created_by", "is_synthetic"]

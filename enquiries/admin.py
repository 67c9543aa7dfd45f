"""Enquiries in Django admin, to look at only: every change of state goes through
enquiries/flows.py, which keeps holds, history, audit and emails in step."""

from django.contrib import admin

from enquiries.models import Enquiry, Message, Notice, Package, Referral
from tracker.admin_site import AppendOnlyAdmin, ReadOnlyInline


class ReferralInline(ReadOnlyInline):
    model = Referral
    readonly_fields = ["home", "status", "sent_at", "received_at", "answered_at", "decline_reason", "hold",
                       "offered_hours", "offered_start"]  # fmt: skip


class PackageInline(ReadOnlyInline):
    """A package request's needs (ADR 025)."""

    model = Package
    readonly_fields = ["district", "hours_a_week", "calls_a_day", "call_times", "carers_per_call", "care_needed",
                       "to_market"]  # fmt: skip


@admin.register(Enquiry)
class EnquiryAdmin(AppendOnlyAdmin):
    list_display = ["reference", "kind", "team", "category", "state", "created_at", "reply_by"]
    list_filter = ["kind", "state", "category", "funding"]
    search_fields = ["reference", "team__name"]
    list_select_related = ["team"]
    inlines = [PackageInline, ReferralInline]


@admin.register(Referral)
class ReferralAdmin(AppendOnlyAdmin):
    list_display = ["enquiry", "home", "status", "sent_at", "answered_at"]
    list_filter = ["status", "decline_reason"]
    search_fields = ["home__name", "enquiry__reference", "enquiry__team__name"]
    list_select_related = ["enquiry", "home"]


@admin.register(Message)
class MessageAdmin(AppendOnlyAdmin):
    list_display = ["referral", "from_home", "author", "sent_at"]
    search_fields = ["referral__home__name"]
    list_select_related = ["referral__home", "referral__enquiry", "author"]


@admin.register(Notice)
class NoticeAdmin(AppendOnlyAdmin):
    list_display = ["referral", "event", "recipients", "channel", "created_at", "sent_at"]
    list_filter = ["event", "channel"]
    search_fields = ["referral__home__name"]
    list_select_related = ["referral__home", "referral__enquiry"]


@admin.register(Package)
class PackageAdmin(AppendOnlyAdmin):
    list_display = ["enquiry", "district", "hours_a_week", "calls_a_day", "carers_per_call", "to_market"]
    list_filter = ["to_market", "carers_per_call"]
    search_fields = ["district__code", "enquiry__team__name"]
    list_select_related = ["enquiry"]

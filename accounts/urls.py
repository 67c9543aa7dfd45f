"""Signing in and out, passwords, two-factor, invitations and the audit trail."""

from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import audit_views, forms, invitations, teams, two_factor, views
from accounts.permissions import permission_required, signed_in

urlpatterns = [
    path("", views.start, name="start"),
    path("about-the-data/", views.about_data, name="about_data"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", permission_required(signed_in)(views.SignOutView.as_view()), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PasswordResetForm,
            template_name="registration/password_reset_form.jinja",
            email_template_name="registration/password_reset_email.txt.jinja",
            subject_template_name="registration/password_reset_subject.txt.jinja",
            extra_email_context={"site_name": "Care Capacity Tracker"},
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.jinja"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=forms.SetPasswordForm, template_name="registration/password_reset_confirm.jinja"
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.jinja"),
        name="password_reset_complete",
    ),
    path("account/", two_factor.account, name="account"),
    path(
        "account/password/",
        # Django's own view: whoever is signed in changes their own password.
        permission_required(signed_in)(
            auth_views.PasswordChangeView.as_view(
                form_class=forms.PasswordChangeForm, template_name="registration/password_change_form.jinja"
            )
        ),
        name="password_change",
    ),
    path("account/password/changed/", views.password_changed, name="password_change_done"),
    path("account/two-factor/set-up/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/<int:pk>/resend/", invitations.resend, name="resend_invitation"),
    path("invitations/<int:pk>/revoke/", invitations.revoke, name="revoke_invitation"),
    path("invitations/accept/<str:token>/", invitations.accept, name="accept_invitation"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/<int:pk>/", teams.team, name="team"),
    path("teams/<int:pk>/members/<int:membership_pk>/remove/", teams.remove_member, name="remove_team_member"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit.csv", audit_views.audit_csv, name="audit_csv"),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import accounts, audit_views, invitations, two_factor, views
from tracker.admin_site import restrict_admin_to_service_admins

restrict_admin_to_service_admins(admin.site)

handler500 = "tracker.views.server_error"

urlpatterns = [
    path("", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("about-the-data/", views.about_data, name="about_data"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(authentication_form=accounts.SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=accounts.PasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            extra_email_context={"site_name": "Care Capacity Tracker"},
        ),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=accounts.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path("password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(form_class=accounts.PasswordChangeForm),
        name="password_change",
    ),
    path("account/password/changed/", views.password_changed, name="password_change_done"),
    path("account/two-factor/set-up/", two_factor.setup, name="two_factor_setup"),
    path("account/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("homes/", include("homes.urls")),
    path("my-homes/", include("vacancies.urls")),
    path("find-a-bed/", include("vacancies.search_urls")),
    path("area/", include("vacancies.dashboard_urls")),
    path("invitations/", invitations.invitation_list, name="invitations"),
    path("invitations/<int:pk>/resend/", invitations.resend, name="resend_invitation"),
    path("invitations/<int:pk>/revoke/", invitations.revoke, name="revoke_invitation"),
    path("invitations/accept/<str:token>/", invitations.accept, name="accept_invitation"),
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit.csv", audit_views.audit_csv, name="audit_csv"),
    path("admin/", admin.site.urls),
]

from django.urls import path

from homes import cqc_views, import_views, views

app_name = "homes"

urlpatterns = [
    path("homes/", views.council_homes, name="council_homes"),
    path("homes/add/", views.add_home, name="add"),
    path("homes/cqc/<str:location_id>/add/", cqc_views.add_from_register, name="add_from_register"),
    path("cqc-sync/", cqc_views.sync_runs, name="cqc_sync"),
    path("homes/import/", import_views.upload, name="import_upload"),
    path("homes/import/<int:pk>/", import_views.detail, name="import_detail"),
    path("homes/import/<int:pk>/columns/", import_views.columns, name="import_columns"),
    path("homes/import/<int:pk>/start/", import_views.start, name="import_start"),
    path("homes/import/<int:pk>/cancel/", import_views.cancel, name="import_cancel"),
    path("homes/import/<int:pk>/problems.csv", import_views.problems_csv, name="import_problems"),
    path("homes/<int:pk>/edit/", views.edit, name="edit"),
    path("homes/<int:pk>/cqc-facts/", views.correct_cqc_facts, name="correct_cqc_facts"),
    path("homes/<int:pk>/history/", views.history, name="history"),
    path("homes/<int:pk>/staff/", views.staff, name="staff"),
    path("homes/<int:pk>/staff/<int:membership_pk>/remove/", views.remove_staff, name="remove_staff"),
]

from django.urls import path

from homes import import_views, views

app_name = "homes"

urlpatterns = [
    path("", views.council_homes, name="council_homes"),
    path("add/", views.add_home, name="add"),
    path("import/", import_views.upload, name="import_upload"),
    path("import/<int:pk>/", import_views.detail, name="import_detail"),
    path("import/<int:pk>/start/", import_views.start, name="import_start"),
    path("import/<int:pk>/cancel/", import_views.cancel, name="import_cancel"),
    path("import/<int:pk>/problems.csv", import_views.problems_csv, name="import_problems"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/staff/", views.staff, name="staff"),
    path("<int:pk>/staff/<int:membership_pk>/remove/", views.remove_staff, name="remove_staff"),
]

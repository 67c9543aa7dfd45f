from django.urls import path

from vacancies import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("area/", dashboard_views.dashboard, name="dashboard"),
    path("area/remind/<int:pk>/", dashboard_views.remind_one, name="remind_one"),
    path("area/remind-all/", dashboard_views.remind_all, name="remind_all"),
    path("area/position.csv", dashboard_views.position_csv, name="position_csv"),
    path("area/history.csv", dashboard_views.history_csv, name="history_csv"),
]

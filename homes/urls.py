from django.urls import path

from homes import views

app_name = "homes"

urlpatterns = [
    path("", views.council_homes, name="council_homes"),
    path("add/", views.add_home, name="add"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/staff/", views.staff, name="staff"),
    path("<int:pk>/staff/<int:membership_pk>/remove/", views.remove_staff, name="remove_staff"),
]

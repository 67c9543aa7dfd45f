from django.urls import path

from vacancies import views

app_name = "vacancies"

urlpatterns = [
    path("homes/<int:pk>/", views.home_page, name="home"),
    path("homes/<int:pk>/report/", views.report_figures, name="report"),
    path("my-homes/", views.my_homes, name="my_homes"),
    path("my-homes/confirm-all/", views.confirm_all, name="confirm_all"),
    path("my-homes/<int:pk>/", views.update, name="update"),
    path("my-homes/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("my-homes/<int:pk>/check/<str:category>/", views.check, name="check"),
    path("reminder/<int:pk>/<str:token>/", views.confirm_from_reminder, name="confirm_from_reminder"),
]

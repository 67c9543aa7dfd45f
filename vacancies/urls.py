from django.urls import path

from vacancies import views

app_name = "vacancies"

urlpatterns = [
    path("", views.my_homes, name="my_homes"),
    path("confirm-all/", views.confirm_all, name="confirm_all"),
    path("<int:pk>/", views.update, name="update"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/check/<str:category>/", views.check, name="check"),
]

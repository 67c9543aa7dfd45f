from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("api-keys/", views.key_list, name="keys"),
    path("api-keys/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("api/v1/docs/", views.docs, name="docs"),
]

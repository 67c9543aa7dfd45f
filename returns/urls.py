from django.urls import path

from returns import views

app_name = "returns"

urlpatterns = [
    path("returns/", views.my_returns, name="mine"),
    path("returns/submit-unchanged/", views.submit_together, name="together"),
    path("returns/template.csv", views.template_csv, name="template"),
    path("returns/upload/", views.upload_csv, name="upload"),
    path("returns/<int:pk>/", views.home_return, name="home"),
    path("returns/<int:pk>/reminder/<str:token>/", views.from_reminder, name="from_reminder"),
    path("area/returns/", views.area_returns, name="area"),
    path("area/returns/chase/", views.chase, name="chase"),
    path("area/returns/workforce.csv", views.workforce_csv, name="workforce_csv"),
    path("area/returns/extract.csv", views.extract_csv, name="extract"),
]

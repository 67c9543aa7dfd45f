from django.urls import path

from homecare import views

app_name = "homecare"

urlpatterns = [
    path("agencies/", views.council_agencies, name="council_agencies"),
    path("agencies/add/", views.add_agency, name="add"),
    path("agencies/<int:pk>/", views.agency, name="agency"),
    path("agencies/<int:pk>/capacity/", views.update_capacity, name="capacity"),
    path("agencies/<int:pk>/no-change/", views.no_change, name="no_change"),
    path("agencies/<int:pk>/care/", views.care, name="care"),
    path("agencies/<int:pk>/districts/", views.districts, name="districts"),
    path("agencies/<int:pk>/capacity-history/", views.history, name="history"),
    path("agencies/<int:pk>/remind/", views.remind, name="remind"),
    path("agencies/reminder/<int:pk>/<str:token>/", views.confirm_from_reminder, name="confirm_from_reminder"),
    path("find-home-care/", views.find_home_care, name="find"),
    path("find-home-care.csv", views.find_home_care_csv, name="find_csv"),
    path("find-home-care/shortlist/", views.shortlist, name="shortlist"),
    path("find-home-care/shortlist.csv", views.shortlist_csv, name="shortlist_csv"),
    path("agencies/<int:pk>/shortlist/", views.toggle_shortlist, name="toggle_shortlist"),
]

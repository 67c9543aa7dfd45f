from django.urls import path

from vacancies import search_views

app_name = "search"

urlpatterns = [
    path("", search_views.find_a_bed, name="search"),
    path("results.csv", search_views.export, name="export"),
    path("default-location/", search_views.save_default_location, name="default_location"),
    path("shortlist/", search_views.shortlist, name="shortlist"),
    path("shortlist.csv", search_views.shortlist_csv, name="shortlist_csv"),
    path("shortlist/<int:pk>/", search_views.toggle_shortlist, name="toggle_shortlist"),
]

from django.urls import path

from vacancies import search_views

app_name = "search"

urlpatterns = [
    path("find-a-bed/", search_views.find_a_bed, name="search"),
    path("find-a-bed/results.csv", search_views.export, name="export"),
    path("find-a-bed/default-location/", search_views.save_default_location, name="default_location"),
    path("find-a-bed/shortlist/", search_views.shortlist, name="shortlist"),
    path("find-a-bed/shortlist.csv", search_views.shortlist_csv, name="shortlist_csv"),
    path("find-a-bed/shortlist/<int:pk>/", search_views.toggle_shortlist, name="toggle_shortlist"),
    path("find-a-bed/saved/", search_views.saved_searches, name="saved"),
    path("find-a-bed/saved/<int:pk>/alerts/", search_views.saved_alerts, name="saved_alerts"),
    path("find-a-bed/saved/<int:pk>/delete/", search_views.delete_saved, name="delete_saved"),
    path("find-a-bed/alerts/", search_views.recent_alerts, name="recent_alerts"),
    path("alerts/stop/<str:token>/", search_views.stop_alerts, name="stop_alerts"),
]

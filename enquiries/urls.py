from django.urls import path

from enquiries import home_care_figures, stats, views

app_name = "enquiries"

urlpatterns = [
    path("enquiries/", views.enquiry_list, name="list"),
    path("enquiries/new/", views.new, name="new"),
    path("enquiries/new-package/", views.new_package, name="new_package"),
    path("enquiries/<int:pk>/", views.enquiry, name="enquiry"),
    path("enquiries/<int:pk>/place/<int:referral_pk>/", views.place, name="place"),
    path("enquiries/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("enquiries/<int:pk>/message/", views.team_message, name="team_message"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("inbox/<int:pk>/", views.referral, name="referral"),
    path("area/enquiries/", stats.area_enquiries, name="area"),
    path("area/enquiries.csv", stats.area_enquiries_csv, name="area_csv"),
    path("area/home-care/", home_care_figures.area_home_care, name="area_home_care"),
    path("area/home-care/<str:table>.csv", home_care_figures.area_home_care_csv, name="area_home_care_csv"),
]

from django.urls import path

from briefs import views

app_name = "briefs"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.archive, name="archive"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("series/<slug:slug>/", views.series_detail, name="series_detail"),
    path("series/<slug:slug>/team/", views.series_team, name="series_team"),
    path("series/<slug:series_slug>/<int:number>/", views.issue_short_url, name="issue_short_url"),
    path("series/<slug:series_slug>/<int:number>/pdf/", views.issue_pdf, name="issue_pdf"),
    path(
        "series/<slug:series_slug>/<int:number>/<slug:slug>/",
        views.issue_detail,
        name="issue_detail",
    ),
]

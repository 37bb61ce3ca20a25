from django.urls import path
from django.views.generic import RedirectView

from reader import feeds, fellows, views

app_name = "reader"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.archive, name="archive"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("places/<slug:slug>/", views.place_detail, name="place_detail"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="site_feed_atom"),
    path("feed/rss/", feeds.SiteFeed(), name="site_feed_rss"),
    path("people/<slug:slug>/feed/atom/", feeds.PersonAtomFeed(), name="person_feed_atom"),
    path("people/<slug:slug>/feed/rss/", feeds.PersonFeed(), name="person_feed_rss"),
    path("topics/<slug:slug>/feed/atom/", feeds.TopicAtomFeed(), name="topic_feed_atom"),
    path("topics/<slug:slug>/feed/rss/", feeds.TopicFeed(), name="topic_feed_rss"),
    path("places/<slug:slug>/feed/atom/", feeds.PlaceAtomFeed(), name="place_feed_atom"),
    path("places/<slug:slug>/feed/rss/", feeds.PlaceFeed(), name="place_feed_rss"),
    path("series/<slug:slug>/feed/atom/", feeds.SeriesAtomFeed(), name="series_feed_atom"),
    path("series/<slug:slug>/feed/rss/", feeds.SeriesFeed(), name="series_feed_rss"),
    path("search/", views.search, name="search"),
    path("fellows/", fellows.fellows_directory, name="fellows_directory"),
    # A feed's address without its format (what readers type): the Atom feed.
    path("feed/", RedirectView.as_view(pattern_name="reader:site_feed_atom", permanent=True)),
    *(
        path(
            f"{prefix}/<slug:slug>/feed/", RedirectView.as_view(pattern_name=f"reader:{stem}_feed_atom", permanent=True)
        )
        for prefix, stem in (("people", "person"), ("topics", "topic"), ("places", "place"), ("series", "series"))
    ),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("series/<slug:slug>/", views.series_detail, name="series_detail"),
    path("series/<slug:slug>/team/", views.series_team, name="series_team"),
    path("series/<slug:series_slug>/<int:number>/", views.issue_short_url, name="issue_short_url"),
    path("series/<slug:series_slug>/<int:number>/pdf/", views.issue_pdf, name="issue_pdf"),
    path("series/<slug:series_slug>/<int:number>/cite.bib", views.issue_bibtex, name="issue_bibtex"),
    path("series/<slug:series_slug>/<int:number>/cite.ris", views.issue_ris, name="issue_ris"),
    path(
        "series/<slug:series_slug>/<int:number>/<slug:slug>/",
        views.issue_detail,
        name="issue_detail",
    ),
]

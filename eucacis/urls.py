from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from common.object_storage import serve_media
from reader.robots import robots_txt
from reader.sitemaps import SITEMAPS, sitemap_index, sitemap_section

admin.site.site_header = "EUCACIS editorial"
admin.site.site_title = "EUCACIS editorial"
admin.site.index_title = "Series, issues and people"

# Django's 400 page, except that form text too large to read answers 413.
handler400 = "eucacis.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path("sitemap-<slug:section>.xml", sitemap_section, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("oai/", include("oai.urls")),
    path("", include("newsletter.urls")),
    path("", include("reader.urls")),
    path("", include("sharing.urls")),
]

if settings.BENCHMARK_VIEWS:
    from eucacis.bench_views import minimal

    urlpatterns.insert(0, path("_bench/minimal/<int:size>/", minimal))

# The resized photos, read through the storage: in S3 the bucket is private, so
# the site serves them; on local disk the proxy serves /media/ before this.
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", serve_media, name="media"))

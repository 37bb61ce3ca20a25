"""/robots.txt: where the sitemap and the OAI-PMH endpoint are, and what crawlers should leave alone."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from common.site_url import absolute_url

#: Address prefixes crawlers are asked to keep out of.
#: /admin/ the editors' site; /proof/ proofreading copies of unpublished issues
#: (each also answers ``X-Robots-Tag: noindex``); /_bench/ the benchmark's
#: reference view, when mounted. Staff previews of drafts are on the public
#: addresses, shown only with a staff session, so there is nothing to list for them.
DISALLOWED = ["/admin/", "/proof/"]


@require_safe
def robots_txt(request):
    disallowed = DISALLOWED + (["/_bench/"] if settings.BENCHMARK_VIEWS else [])
    return render(
        request,
        "robots.txt",
        {
            "disallowed": disallowed,
            "sitemap_url": absolute_url(request, reverse("sitemap_index")),
            # Named in a comment, as repositories do: no robots.txt directive names an OAI-PMH
            # endpoint, and it is not disallowed, since harvesters such as BASE's honour robots.txt.
            "oai_base_url": absolute_url(request, reverse("oai:endpoint")),
        },
        content_type="text/plain; charset=utf-8",
    )

from django.shortcuts import render
from django.utils import timezone

from common.pagination import paginate
from common.site_url import canonical_query
from people.models import Fellowship
from reader.directory import group_by_cohort, label_status
from reader.forms import DirectoryFilterForm

FELLOWS_PER_PAGE = 50


# A filtered directory is a page of its own: its canonical link keeps the filters.
@canonical_query("country", "discipline", "status")
def fellows_directory(request):
    today = timezone.localdate()
    listed = Fellowship.objects.listed()
    country_codes = listed.exclude(country="").order_by().values_list("country", flat=True).distinct()
    form = DirectoryFilterForm(request.GET, country_codes=list(country_codes))
    fellowships = listed.select_related("person", "programme").directory_order()
    if form.is_valid():
        fellowships = form.filter(fellowships, on=today)
    else:
        fellowships = fellowships.none()
    page, query = paginate(request, fellowships, FELLOWS_PER_PAGE)
    return render(
        request,
        "reader/fellows_directory.html",
        {
            "form": form,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "count": page.paginator.count,
            "page_obj": page,
            "page_query": query,
            "cohorts": group_by_cohort(label_status(page.object_list, on=today)),
        },
    )

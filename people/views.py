from django.shortcuts import render
from django.utils import timezone

from people.directory import group_by_cohort, label_status
from people.forms import DirectoryFilterForm
from people.models import Fellowship


def fellows_directory(request):
    today = timezone.localdate()
    listed = Fellowship.objects.listed()
    country_codes = (
        listed.exclude(country="").order_by().values_list("country", flat=True).distinct()
    )
    form = DirectoryFilterForm(request.GET, country_codes=list(country_codes))
    fellowships = listed.select_related("person", "programme").directory_order()
    if form.is_valid():
        fellowships = form.filter(fellowships, on=today)
    else:
        fellowships = fellowships.none()
    fellowships = label_status(fellowships, on=today)
    return render(
        request,
        "people/fellows_directory.html",
        {
            "form": form,
            "filtered": any(request.GET.get(name) for name in form.fields),
            "count": len(fellowships),
            "cohorts": group_by_cohort(fellowships),
        },
    )

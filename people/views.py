from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from briefs.models import Contribution, Issue
from people.directory import group_by_cohort, label_status
from people.forms import DirectoryFilterForm
from people.models import Fellowship, Person


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    contributions = (
        Contribution.objects.filter(person=person, issue__in=Issue.objects.published())
        .select_related("issue__series")
        .order_by("-issue__publication_date", "-issue__number")
    )
    fellowships = label_status(
        person.fellowships.select_related("programme").order_by("-start_year"), on=timezone.localdate()
    )
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "contributions": contributions, "fellowships": fellowships},
    )


def fellows_directory(request):
    today = timezone.localdate()
    country_codes = (
        Fellowship.objects.exclude(country="").order_by().values_list("country", flat=True).distinct()
    )
    form = DirectoryFilterForm(request.GET, country_codes=list(country_codes))
    fellowships = Fellowship.objects.select_related("person", "programme").directory_order()
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

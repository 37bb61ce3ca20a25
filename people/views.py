from django.shortcuts import get_object_or_404, render

from briefs.models import Contribution, Issue
from people.models import Person


def person_detail(request, slug):
    person = get_object_or_404(Person, slug=slug)
    contributions = (
        Contribution.objects.filter(person=person, issue__in=Issue.objects.published())
        .select_related("issue__series")
        .order_by("-issue__publication_date", "-issue__number")
    )
    return render(request, "people/person_detail.html", {"person": person, "contributions": contributions})

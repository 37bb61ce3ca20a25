"""manage.py generate_issues: generated issues for query budgets and benchmarks."""

import pytest
from django.core.management import call_command

from briefs.models import Issue, Place, Topic
from people.models import Person


@pytest.mark.django_db
def test_generating_again_after_a_person_was_deleted_does_not_reuse_a_taken_address(capsys):
    call_command("generate_issues", "5")
    Person.objects.filter(contributions__isnull=True).first().delete()  # one of the pool nobody was given
    call_command("generate_issues", "5")
    assert Issue.objects.count() == 10
    assert "Created 5 published issues." in capsys.readouterr().out


@pytest.mark.django_db
def test_generated_issues_reuse_the_sites_topics_and_countries_whatever_their_addresses():
    """A site's “ENERGY” (at another address) and its Kazakhstan (named otherwise) are used, not added again."""
    energy = Topic.objects.create(name="ENERGY", slug="energy-policy")
    kazakhstan = Place.objects.create(name="Qazaqstan", slug="qazaqstan", country="KZ")
    call_command("generate_issues", "60")
    assert Topic.objects.filter(name__iexact="energy").count() == 1 and energy.issues.exists()
    assert Place.objects.filter(country="KZ").count() == 1 and kazakhstan.issues.exists()

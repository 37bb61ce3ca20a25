"""manage.py generate_issues: generated issues for query budgets and benchmarks."""

import pytest
from django.core.management import call_command

from briefs.models import Issue
from people.models import Person


@pytest.mark.django_db
def test_generating_again_after_a_person_was_deleted_does_not_reuse_a_taken_address(capsys):
    call_command("generate_issues", "5")
    Person.objects.filter(contributions__isnull=True).first().delete()  # one of the pool nobody was given
    call_command("generate_issues", "5")
    assert Issue.objects.count() == 10
    assert "Created 5 published issues." in capsys.readouterr().out

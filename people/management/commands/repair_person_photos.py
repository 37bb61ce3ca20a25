"""Bring person photos stored by earlier versions of the site up to date."""

from django.core.management.base import BaseCommand

from people.models import Person
from people.photos import person_photo_repair


class Command(BaseCommand):
    help = (
        "Move photo originals out of the public media folder into private storage without their "
        "metadata, store the size of each copy for pages, and drop copies whose file is missing. "
        "Photos already up to date are left alone, so it can be run again. Run it after `migrate` "
        "when deploying."
    )

    def handle(self, *args, **options):
        people = Person.objects.exclude(photo="", photo_display="").order_by("pk")
        changed = 0
        for person in people:
            changes = person_photo_repair(person=person)
            for change in changes:
                self.stdout.write(f"{person.full_name} ({person.slug}): {change}")
            changed += bool(changes)
        self.stdout.write(f"{changed} of {len(people)} people with a photo changed; the others were up to date.")

"""People keep their history (django-reversion): a person's revision holds the person and their fellowships.

Imported by ``editorial.people_admin`` (before its admin classes are built) and by the
app's ``ready()``, so the models are registered whatever is loaded first.
"""

import reversion

from people.models import Fellowship, Person

if not reversion.is_registered(Person):
    reversion.register(Fellowship)
    reversion.register(Person, follow=("fellowships",))

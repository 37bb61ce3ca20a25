"""People keep their history (django-reversion): a person's revision holds the person and their fellowships.

Imported by ``editorial.people_admin`` (before its admin classes are built) and by the
app's ``ready()``, so the models are registered whatever is loaded first.
"""

import reversion

from common import reversion_follow
from people.models import Fellowship, Person

if not reversion.is_registered(Person):
    reversion_follow.register(Fellowship)
    reversion_follow.register(Person, follow=("fellowships",))

"""The site's one way of writing dates, “4 December 2026”, in the admin too.

Django's British English writes “4 Dec 2026” and “04/12/2026”, so the same date
read three ways across the admin (lists, forms, the Word import). Everything
shown follows the printed issues' style; what editors type goes through
``<input type="date">`` (ISO values, which every date field accepts), and the
British input formats stay accepted for anything typed by hand.
"""

from django.conf.locale.en_GB.formats import (  # noqa: F401 (kept as British English has them)
    DATE_INPUT_FORMATS,
    DATETIME_INPUT_FORMATS,
    DECIMAL_SEPARATOR,
    FIRST_DAY_OF_WEEK,
    NUMBER_GROUPING,
    THOUSAND_SEPARATOR,
)

DATE_FORMAT = "j F Y"  # 4 December 2026
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j F Y, H:i"  # 4 December 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 4 December
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT

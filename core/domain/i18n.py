"""Translation of user-facing text (gettext, domain ``millplan``).

Every string a person reads is written in English in the code and wrapped in ``_()``;
catalogues go in ``core/domain/locale/<lang>/LC_MESSAGES/millplan.mo`` (extract with
``pybabel extract -F babel.cfg -o millplan.pot .``). With no catalogue for the user's
language, the English text is shown.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")

_translation = gettext.translation("millplan", localedir=LOCALE_DIR, fallback=True)
_ = _translation.gettext
ngettext = _translation.ngettext

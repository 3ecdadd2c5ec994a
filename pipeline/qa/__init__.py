"""QA: the flags that point a reviewer at the sentences most likely to be wrong.

``check_article`` runs the checks (``checks.py``; numbers are read by ``numbers.py``), and
``check_glossary`` the office's glossary (``glossary.py``). ``flags.py`` is the registry of
every flag name and its meaning.
"""

from pipeline.qa.checks import check_article
from pipeline.qa.flags import FLAG_MEANINGS, QA_FLAGS, SOURCE_ENGLISH_FLAG, flag_order
from pipeline.qa.glossary import Glossary, check_glossary, load_glossary

__all__ = [
    "FLAG_MEANINGS", "QA_FLAGS", "SOURCE_ENGLISH_FLAG", "Glossary", "check_article", "check_glossary", "flag_order",
    "load_glossary",
]

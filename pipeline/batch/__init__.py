"""The batch job: ``translate`` over files and folders, resumable, one failure never stopping it.

``run_translate`` is the entry point (``runner.py``: the folder, its lock and state, the
executor); ``loop.py`` runs the articles through (skip, read, translate, write, record),
``signals.py`` stops it on Ctrl-C or SIGTERM, ``fingerprint.py`` gathers the models' revisions;
``walking.py`` finds the articles and names their folders, ``state.py`` keeps the per-article state in SQLite, ``manifest.py``
exports it as ``manifest.json``, ``lock.py`` keeps two runs out of one folder, ``stored.py``
keeps translated articles so other formats can be written later, ``progress.py`` reports.
"""

from pipeline.batch.runner import BatchResult, format_summary, model_revisions, run_translate
from pipeline.batch.walking import ArticleJob, find_articles

__all__ = ["ArticleJob", "BatchResult", "find_articles", "format_summary", "model_revisions", "run_translate"]

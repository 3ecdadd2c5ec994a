"""The orchestrator: runs the stages in order, and the Python API a script can call.

    from pipeline import Settings, Warta

    warta = Warta(Settings(models={"id-en": "path/or/hub-id"}))
    article = warta.translate_text("Pemerintah meluncurkan program baru. ...")
    for row in article.sentences():
        print(row.text, row.en, row.zh)
    warta.write(article, Path("out/my-article"))
"""

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from models.backends import resolve_backend
from models.pool import ModelPool
from pipeline.article import Article
from pipeline.language import check_article_language
from pipeline.memory import TranslationMemory, apply_memory
from pipeline.outputs import write_article
from pipeline.outputs.report import RunInfo
from pipeline.qa import check_article
from pipeline.qa.confidence import flag_low_confidence
from pipeline.qa.glossary import check_glossary, load_glossary
from pipeline.reading import parse_article_bytes, parse_article_text, read_article
from pipeline.sentences import split_article
from pipeline.settings import Settings
from pipeline.summary import summarize_articles
from pipeline.translation import translate_articles
from pipeline.version import __version__

SEGMENTER = "warta-id-rules"


class Warta:
    """Translate Indonesian articles into English and Chinese, aligned by sentence.

    Models load on first use and stay loaded for the life of the process, so one ``Warta``
    (or several with the same models) can translate any number of articles cheaply.

    Args:
        settings: how to translate; defaults to ``Settings()``.

    Raises:
        UsageError: settings that do not fit together, an optional backend not installed, or a
            glossary or translation memory file that cannot be read.
    """

    def __init__(self, settings: Settings | None = None):
        settings = settings or Settings()
        # "auto" becomes the backend actually used, so reports and the batch fingerprint name it.
        self.settings = replace(settings, backend=resolve_backend(settings.backend))
        self.pool = ModelPool(
            self.settings.models, self.settings.device, self.settings.backend, self.settings.offline, self.settings.compute_type,
            self.settings.profile, self.settings.fallback_models,
        )
        self.glossary = load_glossary(Path(self.settings.glossary)) if self.settings.glossary else None
        self.memory = TranslationMemory(Path(self.settings.memory)) if self.settings.memory else None

    def prepare(self, article: Article) -> Article:
        """Split an article read from disk or text into sentences and check its language.

        Raises:
            InputError: the article is not Indonesian (unless ``source_lang`` is ``id``).
        """
        with _timed(article, "sentences"):
            split_article(article)
        with _timed(article, "language"):
            check_article_language(article, self.settings.source_lang)
        return article

    def read_file(self, path: Path, name: str | None = None) -> Article:
        """Read and prepare one file (``.txt``, ``.md``, ``.docx``, ``.html``).

        Raises:
            InputError: the file cannot be read or is not an Indonesian article.
        """
        started = time.perf_counter()
        article = read_article(Path(path), name)
        article.timings["read"] = time.perf_counter() - started
        return self.prepare(article)

    def translate_prepared(self, articles: list[Article], on_progress: Callable[[float], None] | None = None) -> list[Article]:
        """Translate, QA-check and summarize prepared articles together, filling batches across them.

        Args:
            articles: prepared articles (``prepare`` or ``read_file``).
            on_progress: called as the translation advances (after every batch a model
                finishes) with the sentences' worth of work just done; the calls of one
                ``translate_prepared`` add up to the articles' number of sentences, so a
                progress bar in sentences moves inside the call and ends where it should.
                It may raise to abandon the call (the articles are then left untranslated).

        Raises:
            ModelError: a model cannot be loaded.
        """
        started = time.perf_counter()
        total = sum(len(article.sentences()) for article in articles)
        progress = _SentenceProgress(on_progress, total, self._passes()) if on_progress else None
        if self.memory is not None:
            # before translation: remembered rows are not sent to the models
            apply_memory(articles, self.memory, self.settings.targets)
        translate_articles(articles, self.pool, self.settings.targets, self.settings.beams,
                           progress.segments_finished if progress else None, self.glossary, self.settings.context_sentences)
        elapsed = time.perf_counter() - started
        total = sum(len(article.sentences()) for article in articles) or 1
        for article in articles:
            # Shared batches: each article is charged its share of the sentences.
            article.timings["translate"] = elapsed * len(article.sentences()) / total
            with _timed(article, "qa"):
                check_article(article, self.settings.targets)
                if self.glossary is not None:
                    check_glossary(article, self.glossary, self.settings.targets)
                flag_low_confidence(article, self.settings.targets)
        started = time.perf_counter()
        # after QA, in one call: an abstractive summarizer writes several articles' summaries at once
        summarize_articles(articles, self.settings, self.pool)
        for article in articles:
            article.timings["summary"] = article.timings.get("summary", 0.0) + (time.perf_counter() - started) / len(articles)
        if progress:
            progress.finish()
        return articles

    def _passes(self) -> int:
        # English sentences skip id->en and long ones are split into several segments, so
        # segments only approximate sentences x passes.
        return self.pool.plan(self.settings.targets).passes

    def translate_file(self, path: Path | str, name: str | None = None) -> Article:
        """Read, check, translate and summarize one article file.

        Returns:
            The article with every sentence's ``en``/``zh`` and the summary filled in.

        Raises:
            InputError: the file cannot be read or is not an Indonesian article.
            ModelError: a model cannot be loaded.
        """
        return self.translate_prepared([self.read_file(Path(path), name)])[0]

    def translate_text(self, text: str, name: str = "article") -> Article:
        """Translate an article given as a string (blank-line or one-line-per-paragraph layout).

        Raises:
            InputError: the text is empty or not Indonesian.
            ModelError: a model cannot be loaded.
        """
        article = parse_article_bytes(text.encode("utf-8"), name=name) if text.strip() else parse_article_text(text, name)
        return self.translate_prepared([self.prepare(article)])[0]

    def run_info(self) -> RunInfo:
        """What every report of this run shares: version, models, settings, segmenter."""
        models = {pair: translator.info.as_dict() for pair, translator in self.pool.loaded().items()}
        summarizer = self.pool.loaded_summarizer() if self.settings.summary == "abstractive" else None
        if summarizer is not None:
            models["summarizer"] = summarizer.info.as_dict()
        return RunInfo(
            warta_version=__version__,
            models=models,
            settings=self.settings.as_dict(),
            segmenter=SEGMENTER,
            glossary=(
                {"path": str(self.glossary.path), "sha256": self.glossary.sha256, "terms": len(self.glossary.terms)}
                if self.glossary else None
            ),
            memory=(
                {"path": str(self.memory.path), "entries": len(self.memory), "digest": self.memory.digest()}
                if self.memory is not None else None
            ),
        )

    def write(self, article: Article, folder: Path, run_info: RunInfo | None = None) -> list[Path]:
        """Write the article's outputs into ``folder`` (created if needed).

        Args:
            article: a translated article.
            folder: its output folder.
            run_info: what the reports say about the run; None for this ``Warta``'s
                (a batch run on Ray passes the models its workers loaded).

        Returns:
            The files written.
        """
        with _timed(article, "write"):
            return write_article(article, Path(folder), run_info or self.run_info(), self.settings.targets, self.settings.formats)


class _SentenceProgress:
    """Turns the translators' "segments finished" into sentences' worth of work, for a progress bar."""

    def __init__(self, report: Callable[[float], None], sentences: int, passes: int):
        self.report, self.sentences = report, sentences
        self.per_segment = 1 / max(passes, 1)
        self.reported = 0.0

    def segments_finished(self, segments: int) -> None:
        # Never report past the total before the end: split sentences add segments.
        amount = min(segments * self.per_segment, max(self.sentences - self.reported, 0.0))
        if amount > 0:
            self.reported += amount
            self.report(amount)

    def finish(self) -> None:
        if self.sentences - self.reported > 0:
            self.report(self.sentences - self.reported)
            self.reported = float(self.sentences)


class _timed:
    """Add the seconds spent in a ``with`` block to ``article.timings[stage]``."""

    def __init__(self, article: Article, stage: str):
        self.article, self.stage = article, stage

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc_info: object) -> None:
        self.article.timings[self.stage] = self.article.timings.get(self.stage, 0.0) + time.perf_counter() - self.started

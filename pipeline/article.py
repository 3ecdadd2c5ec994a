"""The one record that flows through every stage: an article of blocks of sentences.

The reader creates the blocks, the sentence splitter fills in the sentences, the language
check marks each sentence's language, the translators fill in ``en`` and ``zh``, the summary
picks sentences and QA adds flags. Nothing is ever removed, so the three languages stay
aligned one to one by construction.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The kinds of block the readers produce, in the words of ``aligned.tsv``'s ``kind`` column.
#: ``header``, ``footer``, ``text_box`` and ``note`` (a footnote or endnote) are the parts of a
#: document outside its text flow (a Word file's, a PDF's letterhead and footer): translated
#: like the rest, but never taken for the body (the summary leaves them out).
BLOCK_KINDS = ("title", "heading", "paragraph", "list_item", "table_cell", "header", "footer", "text_box", "note")
#: The kinds that are outside the document's text flow.
OUTSIDE_FLOW_KINDS = ("header", "footer", "text_box", "note")


@dataclass
class MemorySuggestion:
    """A near match from the translation memory, offered beside the machine translation.

    Attributes:
        source: the remembered Indonesian sentence.
        en, zh: its reviewed translations ("" when the memory has none).
        similarity: how alike the two sentences are, 0-100 (rapidfuzz ratio).
        numbers_match: both write the same numbers; when not, the suggestion needs them changed.
        origin: the file the entry was imported from.
    """

    source: str
    en: str
    zh: str
    similarity: float
    numbers_match: bool
    origin: str = ""


@dataclass
class Sentence:
    """One source sentence and everything later stages learn about it.

    Attributes:
        text: the source text, exactly as split from the block.
        lang: ``"id"`` or ``"en"``: the language the sentence is translated from.
        lang_probability: langdetect's probability for ``lang`` when it was measured, else None.
        en: the English text ("" until translated).
        zh: the Chinese text ("" until translated).
        flags: QA and processing flags, e.g. ``"split"`` when the sentence was too long for
            the model and was translated in pieces.
        qa: QA flag -> the target languages that raised it (``{"number": ["zh"]}``).
        remembered: the targets taken from the translation memory (``pipeline.memory``),
            which translation then skips.
        suggestion: a near match from the translation memory, shown to the reviewer, not used.
        scores: target -> the model's mean log-probability per output token (0 is certain;
            the pivot's Chinese adds both steps); a target taken from memory has none.
        protected: the spans kept verbatim through translation (``pipeline.spans``), each
            ``{"kind": "url", "text": "https://..."}``.
        enforced: target -> the glossary term ids whose prescribed rendering was put into
            that translation because the model had missed it (``pipeline.terms``).
    """

    text: str
    lang: str = "id"
    lang_probability: float | None = None
    en: str = ""
    zh: str = ""
    flags: list[str] = field(default_factory=list)
    qa: dict[str, list[str]] = field(default_factory=dict)
    remembered: tuple[str, ...] = ()
    suggestion: MemorySuggestion | None = None
    scores: dict[str, float] = field(default_factory=dict)
    protected: list[dict[str, str]] = field(default_factory=list)
    enforced: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a stored article (pipeline.batch.stored) gives a list and a dict back
        self.remembered = tuple(self.remembered)
        if isinstance(self.suggestion, dict):
            self.suggestion = MemorySuggestion(**self.suggestion)

    def add_flag(self, flag: str) -> None:
        """Add ``flag`` once, keeping the order flags were raised in."""
        if flag not in self.flags:
            self.flags.append(flag)


@dataclass
class Block:
    """A heading, paragraph, list item or table cell: an ordered list of sentences.

    Attributes:
        kind: one of ``BLOCK_KINDS``.
        text: the block's source text (without list or heading markers).
        marker: what introduced the block in the source, kept so the translations can
            show the same structure: ``"#"``/``"##"`` for Markdown headings, ``"-"``,
            ``"*"``, ``"1)"``, ``"2."`` for list items, ``""`` otherwise.
        sentences: filled in by the sentence splitter.
        cell: for a ``table_cell``: (table, row, column), 0-based, so writers can rebuild the table.
        place: where the block was found in a document that a writer fills in again in place
            (for Word, ``reading.docx`` says how it is written); "" when the block has no such place.
    """

    kind: str
    text: str
    marker: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    cell: tuple[int, int, int] | None = None
    place: str = ""


@dataclass
class SummarySentence:
    """A sentence of the summary with the source sentences that support it.

    Attributes:
        block: 1-based block number of the source sentence (as in ``aligned.tsv``): the one an
            extractive summary picked, or a written sentence's best source; 0 when none.
        sentence: 1-based sentence number within that block (0 when none).
        id, en, zh: the sentence in the three languages.
        sources: (block, sentence) of the release sentences that support it, best first.
        flags: ``unsupported`` when it states a number, date or name found in no source row.
    """

    block: int
    sentence: int
    id: str
    en: str
    zh: str
    sources: list[tuple[int, int]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # a stored article gives lists back for the pairs
        self.sources = [(int(block), int(sentence)) for block, sentence in self.sources]


@dataclass
class LanguageCheck:
    """What the language stage found about the whole article (``report.json``'s ``language``).

    Attributes:
        requested: ``--source-lang``: ``auto`` (checked) or ``id`` (taken as Indonesian).
        detected: langdetect's most likely language code, or None when the text was too short.
        probability: its probability.
        candidates: language code -> probability, most likely first.
        english_sentences: how many sentences go to English unchanged.
    """

    requested: str = "auto"
    detected: str | None = None
    probability: float | None = None
    candidates: dict[str, float] = field(default_factory=dict)
    english_sentences: int = 0


@dataclass
class Article:
    """An article: where it came from, its blocks, and what the stages added.

    Attributes:
        source: the input file, or None for text given directly.
        name: the article's name for output folders and reports.
        blocks: the ordered blocks; a title, when there is one, is the first block.
        sha256: hex digest of the input bytes.
        encoding: how the input was decoded, e.g. ``"utf-8"`` or ``"utf-8-sig"``.
        language: the document-level language check (filled by the language stage).
        summary: the summary sentences (filled by the summary stage).
        summary_method: ``extractive`` or ``abstractive``: how the summary was made.
        summary_model: the summarizer's name, revision, family, backend, device and weights
            when a model wrote the summary, else None.
        summary_fallback: why the summary is extractive when an abstractive one was asked for
            (the summarizer wrote nothing, looped, or the article could not fit); "" otherwise.
        published: the publication date a web page states in its markup (ISO 8601), when its
            dateline does not say it already; else None.
        warnings: things a reviewer should know that are not errors.
        left_out: the parts of the input that were not translated, each in a reader's words
            ("2 comments (Word comments are not part of the release)"); shown on the review page,
            the index and in ``report.json``, where a reviewer looks.
        timings: seconds spent per stage.
    """

    source: Path | None
    name: str
    blocks: list[Block]
    sha256: str = ""
    encoding: str = "utf-8"
    language: LanguageCheck = field(default_factory=LanguageCheck)
    summary: list[SummarySentence] = field(default_factory=list)
    summary_method: str = "extractive"
    summary_model: dict[str, str] | None = None
    summary_fallback: str = ""
    published: str | None = None
    warnings: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        """The title block's text, or None when the article has no title.

        The title is the first block of the text flow, after the header blocks (a letterhead) if any.
        """
        for block in self.blocks:
            if block.kind == "title":
                return block.text
            if block.kind not in OUTSIDE_FLOW_KINDS:
                return None
        return None

    def sentences(self) -> list[Sentence]:
        """All sentences in document order."""
        return [sentence for block in self.blocks for sentence in block.sentences]

    def numbered_sentences(self) -> list[tuple[int, int, Block, Sentence]]:
        """``(block_number, sentence_number, block, sentence)`` for every sentence, 1-based."""
        return [
            (block_number, sentence_number, block, sentence)
            for block_number, block in enumerate(self.blocks, start=1)
            for sentence_number, sentence in enumerate(block.sentences, start=1)
        ]


@dataclass(frozen=True)
class ArticleRecord:
    """What a batch keeps of one article: the fields of its entry in ``OUT/manifest.json``.

    Written by the batch state (``pipeline.batch.state``), read by the manifest and the index
    page (``pipeline.outputs.index_page``).

    Attributes:
        input: the input path as given, printable (bytes that are not UTF-8 escaped).
        sha256: the input's hash, None when it could not be read.
        fingerprint: the settings and models the outputs were made with.
        status: ``done``, ``failed`` or ``skipped``.
        reason: why it failed (empty otherwise).
        input_bytes: the input path's exact bytes in hex, only when they are not UTF-8.
        title, sentences, flags, timings: what the translation held; ``flags`` is None for an
            article that failed before it was translated (then none of the four is listed).
        left_out, warnings: the article's ``Article.left_out`` and ``Article.warnings``: the parts
            of the input not translated and what a reviewer should know (listed with the four).
        outputs: the files of its folder that warta wrote.
        updated_at: when the record was written (UTC, ISO 8601).
    """

    input: str
    sha256: str | None
    fingerprint: str
    status: str
    reason: str = ""
    input_bytes: str | None = None
    title: str | None = None
    sentences: int | None = None
    flags: dict[str, int] | None = None
    timings: dict[str, float] | None = None
    left_out: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    updated_at: str = ""

    def as_json(self) -> dict[str, Any]:
        """The record as ``manifest.json`` lists it (its keys in this order)."""
        record: dict[str, Any] = {"input": self.input, "sha256": self.sha256, "fingerprint": self.fingerprint,
                                  "status": self.status, "reason": self.reason}
        if self.input_bytes is not None:
            record["input_bytes"] = self.input_bytes
        if self.flags is not None:
            record.update(title=self.title, sentences=self.sentences, flags=self.flags, timings=self.timings or {},
                          left_out=list(self.left_out), warnings=list(self.warnings))
        record["outputs"] = list(self.outputs)
        record["updated_at"] = self.updated_at
        return record

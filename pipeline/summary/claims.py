"""Every summary sentence traced to the release: its supporting rows, and claims found in none.

A summary model's first failure is a number, name or date the release never said. So each
summary sentence gets:

* ``sources``: the release's sentences (as ``aligned.tsv``'s block/sentence) that support it,
  chosen by lexical overlap: content words (function words left out) weighted by how rare they
  are in the release, plus the numbers, amounts and dates the sentence states. The best row
  first, then rows that add words the rows before them did not cover (a summary sentence often
  joins two facts from two paragraphs), at most ``MAX_SOURCES``. Lexical overlap needs no
  second model, is exact about names and numbers (which an embedding blurs: "Rp5 miliar" and
  "Rp50 miliar" embed alike), and a reviewer can see why a row was linked.
* the flag ``unsupported`` when it states a number, amount, date or time that no sentence of
  the release states (compared as values with the QA stage's number parsing, so ``Rp5 miliar``
  supports ``5 miliar rupiah`` and ``29 Mei 2025`` supports ``29/5/2025``), a capitalised name
  that appears nowhere in the release, or shares no content word with any of it.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from data import function_words, read_word_list
from pipeline.article import Article, Sentence, SummarySentence
from pipeline.language import indonesian_words
from pipeline.qa.numbers import VALUES_OF, Value, missing_values

#: The flag of a summary sentence with a claim the release does not support.
UNSUPPORTED_FLAG = "unsupported"
#: Rows linked to one summary sentence at most.
MAX_SOURCES = 3
# A further row is linked only when it adds at least this share of the sentence's weight: a
# row that shares one common word is not support.
_MIN_GAIN = 0.15

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Claims:
    """What a summary sentence claims that the release does not say.

    Attributes:
        values: numbers, amounts, dates and times found in no release sentence.
        names: capitalised words found nowhere in the release.
        no_overlap: the sentence shares no content word with any release sentence.
    """

    values: tuple[Value, ...] = ()
    names: tuple[str, ...] = ()
    no_overlap: bool = False

    @property
    def unsupported(self) -> bool:
        """True when anything in the sentence is not in the release."""
        return bool(self.values or self.names or self.no_overlap)


def _content_words(text: str) -> set[str]:
    stop = function_words("id") | function_words("en")
    return {word for word in (w.lower() for w in _WORD.findall(text)) if word not in stop and len(word) > 1}


def _common_words() -> frozenset[str]:
    # Words that start a sentence capitalised without being a name.
    return function_words("id") | function_words("en") | frozenset(read_word_list("wordlists/id_content_words.txt"))


def _values(sentence: Sentence) -> set[Value]:
    return set(VALUES_OF.get(sentence.lang, VALUES_OF["id"])(sentence.text))


class ReleaseIndex:
    """The release's sentences, indexed once for linking and checking many summary sentences.

    Args:
        article: the article whose sentences are the release (each read in its own language:
            a sentence passed through as English has English number formats).
    """

    def __init__(self, article: Article):
        self.rows = [(block, number, sentence) for block, number, _, sentence in article.numbered_sentences()]
        self.words = [_content_words(sentence.text) for _, _, sentence in self.rows]
        self.values = [_values(sentence) for _, _, sentence in self.rows]
        counts = Counter(word for words in self.words for word in words)
        # Rare words say more about which row a claim comes from (inverse document frequency).
        self.weight = {word: math.log(1 + len(self.rows) / count) for word, count in counts.items()}
        self.all_words = {word.lower() for _, _, sentence in self.rows for word in _WORD.findall(sentence.text)}
        self.indonesian = "\n".join(sentence.text for _, _, sentence in self.rows if sentence.lang != "en")
        self.english = "\n".join(sentence.text for _, _, sentence in self.rows if sentence.lang == "en")

    def sources(self, text: str) -> list[tuple[int, int]]:
        """The rows that support ``text`` (block, sentence), best first; empty when none shares a word."""
        words = _content_words(text) & set(self.weight)
        values = set(VALUES_OF["id"](text))
        # Each stated value weighs as much as the rarest word: a number is the most specific claim.
        value_weight = max(self.weight.values(), default=1.0)
        total = sum(self.weight[word] for word in words) + value_weight * len(values)
        chosen: list[int] = []
        uncovered_words, uncovered_values = set(words), set(values)
        while len(chosen) < MAX_SOURCES and (uncovered_words or uncovered_values):
            gains = [
                (sum(self.weight[word] for word in uncovered_words & row_words) + value_weight * len(uncovered_values & row_values), -index)
                for index, (row_words, row_values) in enumerate(zip(self.words, self.values, strict=True))
                if index not in chosen
            ]
            if not gains:
                break
            gain, negative_index = max(gains)
            if gain <= 0 or (chosen and gain < _MIN_GAIN * total):
                break
            chosen.append(-negative_index)
            uncovered_words -= self.words[-negative_index]
            uncovered_values -= self.values[-negative_index]
        return [(self.rows[index][0], self.rows[index][1]) for index in chosen]

    def claims(self, text: str) -> Claims:
        """What the Indonesian summary sentence ``text`` states that no release sentence does."""
        values = missing_values(text, "id", self.indonesian, "id")
        if values and self.english:
            # a value the English sentences of the release state (in English formats) is supported
            in_english = missing_values(text, "id", self.english, "en")
            values = [value for value in values if value in in_english]
        common = _common_words()
        names = []
        # A capitalised word is a name (Makassar, Guangzhou), an acronym (BPJS), or a sentence's
        # first word; a first word that is a common word is not a claim, and one with digits
        # (Rp7) is an amount, compared as a value above.
        for position, word in enumerate(_WORD.findall(text)):
            if not word[0].isupper() or any(char.isdigit() for char in word):
                continue
            if word.lower() in self.all_words or word.lower() in common or word in names:
                continue
            # The first word is capitalised because it opens the sentence: it is a name only when
            # it does not read as an Indonesian word (Kesepakatan, Disalurkan, Sebelumnya: affixes).
            if position == 0 and indonesian_words(word):
                continue
            names.append(word)
        no_overlap = not (_content_words(text) & set(self.weight)) and not set(VALUES_OF["id"](text))
        return Claims(tuple(values), tuple(names), no_overlap)


def trace_summary(article: Article, summary: list[SummarySentence] | None = None) -> None:
    """Fill in ``sources`` and the ``unsupported`` flag of every summary sentence of ``article``.

    A sentence's ``block``/``sentence`` become its best source when it has none yet (a written
    sentence); an extracted sentence keeps its own row first among its sources.

    Args:
        article: the article (its sentences are the release).
        summary: the summary sentences to trace; ``article.summary`` by default.
    """
    index = ReleaseIndex(article)
    for item in article.summary if summary is None else summary:
        found = index.sources(item.id)
        if item.block and item.sentence:
            found = [(item.block, item.sentence)] + [source for source in found if source != (item.block, item.sentence)]
        item.sources = found[:MAX_SOURCES]
        if not item.block and item.sources:
            item.block, item.sentence = item.sources[0]
        if index.claims(item.id).unsupported:
            if UNSUPPORTED_FLAG not in item.flags:
                item.flags.append(UNSUPPORTED_FLAG)
        elif UNSUPPORTED_FLAG in item.flags:
            item.flags.remove(UNSUPPORTED_FLAG)

"""The corpora the tiny models are trained on, and where the checkout is.

The sample press release (Indonesian), a few English sentences and a Chinese corpus: enough for
SentencePiece and byte-level BPE tokenizers whose words are those of the sample.
"""

from pathlib import Path

from data import data_file

#: The checkout (tests run the command line from it); an installed package has no checkout.
REPO = Path(__file__).resolve().parents[2]
SAMPLE_ARTICLE = data_file("samples/makassar-oncology-delegation-guangzhou.txt")
#: Chinese text to train the tiny en->zh tokenizer on.
CHINESE_CORPUS = data_file("corpora/zh_corpus.txt")
#: English text to train the tiny id->en target and en->zh source tokenizers on.
ENGLISH_CORPUS = (
    "On 29 May 2025, oncology experts from Makassar formed an International Friendship Delegation and visited "
    "Modern Cancer Hospital Guangzhou. The visit aims to promote innovation in minimally invasive technology. "
    "The hospital director gave a warm welcome speech. Cancer is a global health challenge. "
    "The experts visited modern medical facilities and watched an operation. Both sides agreed to build a "
    "regular discussion mechanism in the future. The value was IDR 500 billion, up 6.7 percent, for 1,044,921 people.\n"
)


def sample_sentences() -> list[str]:
    """The sample article's lines: the Indonesian corpus for tiny tokenizers."""
    return [line for line in SAMPLE_ARTICLE.read_text(encoding="utf-8").splitlines() if line.strip()]

"""Article bytes to text: which encodings are accepted, and how a wrong one is refused.

Text must be UTF-8 (with or without BOM, CRLF or LF) or UTF-16 with a BOM; other bytes are
decoded as Windows-1252 only when the result is plausibly Latin text, and refused otherwise (a
GBK or Shift-JIS file among them, even one that is mostly Latin letters), so that no file is
ever turned into mojibake silently.
"""

import codecs

from pipeline.article import Article
from pipeline.characters import NOT_TEXT
from pipeline.errors import InputError

# Typographic punctuation that Windows-1252 text puts next to other non-ASCII characters
# (“Café”, …”, —“); any other pair of adjacent non-ASCII characters (ÖÐ, ¹ã) is what a
# multi-byte encoding (GBK, Big5, Shift-JIS, EUC-KR) looks like decoded one byte at a time.
_CP1252_PUNCTUATION = frozenset("“”‘’…–—«»•·")


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """Decode article bytes to text with normalised newlines.

    Returns:
        ``(text, encoding)`` where encoding is ``utf-8``, ``utf-8-sig``, ``utf-16`` or ``cp1252``.

    Raises:
        InputError: empty, binary, or not safely decodable.
    """
    if not data.strip():
        raise InputError(f"{where}: the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise InputError(f"{where}: starts with a UTF-16 mark but is not valid UTF-16 ({error.reason})") from error
    elif b"\x00" in data[:8192]:
        if _looks_like_utf16_without_bom(data):
            raise InputError(
                f"{where}: the file looks like UTF-16 text without a byte-order mark; "
                "save it as UTF-8 (or UTF-16 with a BOM) and try again"
            )
        raise InputError(f"{where}: this is a binary file, not text (it contains NUL bytes)")
    else:
        try:
            encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
            text = data.decode(encoding)
        except UnicodeDecodeError:
            text, encoding = _decode_legacy(data, where), "cp1252"
    if _looks_binary(text):
        raise InputError(f"{where}: this is a binary file, not text (it is mostly control characters)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{where}: the file is empty")
    return text, encoding


def _decode_legacy(data: bytes, where: str) -> str:
    # Windows-1252 is what Indonesian offices' older Windows tools write. It decodes almost
    # any bytes, so a wrong guess shows as a flood of accented letters (GBK, Shift-JIS...):
    # accept it only when the result reads like Latin-script text.
    refusal = f"{where}: the file is not UTF-8 and does not decode as Windows-1252 text; save it as UTF-8 and try again"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputError(refusal) from error
    letters = [ch for ch in text if ch.isalpha()]
    non_ascii = sum(1 for ch in letters if ord(ch) > 127)
    if not letters or non_ascii / len(letters) > 0.05:
        raise InputError(refusal)
    # The share of accented letters alone lets through an Indonesian text that names a Chinese
    # hospital in GBK ("(广州现代肿瘤医院)" becomes "(¹ãÖÝÏÖ´ú...)"): Latin text almost never puts
    # two non-ASCII characters side by side, a multi-byte encoding nearly always does.
    for pair in zip(text, text[1:]):
        if all(ord(ch) > 127 and not ch.isspace() and ch not in _CP1252_PUNCTUATION for ch in pair):
            raise InputError(refusal)
    return text


def _looks_like_utf16_without_bom(data: bytes) -> bool:
    # Latin text in UTF-16 has a NUL in every other byte; a binary file has them anywhere.
    sample = data[:8192]
    half = len(sample) // 2
    return half > 0 and max(sample[0::2].count(0), sample[1::2].count(0)) >= 0.9 * half


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f") + sample.count("\ufffd")
    return control > max(8, len(sample) // 20)


def replace_control_characters(article: Article) -> None:
    """Make every control character in the article's blocks a space, and say how many there were.

    A file with many is refused as binary before this (``decode_text``); a few are replaced, never
    dropped in silence: the article's warnings count them.
    """
    replaced = 0
    for block in article.blocks:
        cleaned, count = NOT_TEXT.subn(" ", block.text)
        if count:
            block.text = " ".join(cleaned.split())
            replaced += count
    if replaced:
        article.warnings.append(f"{replaced} control character(s) (invisible, not text) were replaced by spaces")

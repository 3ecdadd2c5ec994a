"""What is not text: the characters every place that takes text from outside makes spaces.

C0 controls but tab and line feed, DEL, C1, lone surrogates and the non-characters U+FFFE and
U+FFFF. None is text a reader means: XML 1.0 forbids most (python-docx refuses to write one),
SQLite cannot store a lone surrogate, a terminal obeys an escape sequence, a model sees noise.
The readers, the translation memory and ``warta serve`` all use this one rule.
"""

import re

#: One character that is not text (tab and line feed are).
NOT_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

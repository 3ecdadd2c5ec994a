"""Numbers, amounts and dates in Indonesian, English and Chinese text, as comparable values.

The QA ``number`` check asks whether every number, percentage, amount of money and date of
an Indonesian sentence survives in its translations. The three languages write them
differently, so each text is reduced to a set of values:

* Indonesian: ``1.044.921`` (dots group thousands), ``6,7`` (comma decimal), ``Rp500 miliar``,
  ``Rp6,5 triliun``, ``19/12/2025``, ``Kamis (29/5)``, ``29 Mei 2025``, ``pukul 10.30 WIB``;
* English: ``1,044,921``, ``6.7 percent``, ``IDR 500 billion``, ``May 29, 2025``, ``12/19/2025``,
  ``7 p.m.``, numbers written as words (``five``, ``twenty-five``, ``one million``);
* Chinese: ``1,044,921``, ``6.7%``, ``5亿``, ``5000亿印尼盾``, ``6.5万亿``, ``2025年5月29日``,
  ``下午2点30分``, Chinese numerals (``五``, ``二十三``, ``三万五千``, ``六点七``, ``二〇二五``).

A range that shares one scale (``Rp1-2 miliar``, ``1-2 billion``, ``10-20亿``) gives the scale to
both ends, so that it matches the same range written with the scale twice (``10亿至20亿``).

Values are ``("num", float)``, ``("date", year | None, month, day)`` and ``("time", hour, minute)``.
"""

import re

Value = tuple[object, ...]

_ID_MONTHS = {
    "januari": 1, "februari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7, "agustus": 8,
    "september": 9, "oktober": 10, "november": 11, "desember": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "agu": 8, "agt": 8, "sep": 9, "okt": 10, "nov": 11, "des": 12,
}
_EN_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_ID_SCALES = {"ribu": 1e3, "rb": 1e3, "juta": 1e6, "jt": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12}
_EN_SCALES = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}
_EN_WORDS = {
    word: value for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_EN_MULTIPLIERS = {"hundred": 100, "dozen": 12}
_EN_WORD_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_EN_ORDINALS = {
    word: value for value, word in enumerate(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
}
_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
# Clock periods: the hour after them is on the 12-hour clock (下午2点 is 14:00).
_ZH_AFTERNOON = ("下午", "傍晚", "晚上", "晚间", "夜间", "中午")
_ZH_SCALES = {"万亿": 1e12, "兆": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}

_ID_MONTH_WORDS = "|".join(sorted(_ID_MONTHS, key=len, reverse=True))
_EN_MONTH_WORDS = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))

_SLASH_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
# Indonesian press releases date the dateline without a year: "Jakarta, Kamis (29/5)". Only the
# bracketed form is read as a date, so that a fraction such as 1/2 stays two numbers.
_SHORT_DATE = re.compile(r"\((?:[^\W\d_]+,?\s+)?(\d{1,2})/(\d{1,2})\)")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_ID_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_ID_MONTH_WORDS})\.?(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
_EN_DATE_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN_MONTH_WORDS})\.?(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)
_EN_DATE_MONTH_FIRST = re.compile(rf"\b({_EN_MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.IGNORECASE)
_ZH_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# Day ranges within one month ("19-20 Mei 2025", "May 19-20, 2025", "5月19日至20日") are written
# out as two dates before the dates are read, so that each day is compared on its own.
_ID_DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}})\s*(?:-|–|—|s\.?d\.?|s/d|hingga|sampai|dan)\s*(\d{{1,2}})\s+((?:{_ID_MONTH_WORDS})\.?(?:\s+\d{{4}})?)\b",
    re.IGNORECASE,
)
_EN_DAY_RANGE_DAY_FIRST = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?"
    rf"((?:{_EN_MONTH_WORDS})\.?(?:,?\s+\d{{4}})?)\b",
    re.IGNORECASE,
)
_EN_DAY_RANGE_MONTH_FIRST = re.compile(
    rf"\b({_EN_MONTH_WORDS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|—|to|and)\s*(\d{{1,2}})(?:st|nd|rd|th)?"
    r"((?:,?\s+\d{4})?)\b",
    re.IGNORECASE,
)
_ZH_DAY_RANGE = re.compile(r"((?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*)(\d{1,2})\s*[日号]?\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2})\s*([日号])")
_ID_TIME = re.compile(
    r"\b(?:pukul\s+)?(\d{1,2})[.:](\d{2})\s*(?:WIB|WITA|WIT)\b|\b(?:pukul|jam|pk\.?)\s*(\d{1,2})[.:](\d{2})\b", re.IGNORECASE
)
_EN_TIME = re.compile(
    r"\b(\d{1,2}):(\d{2})\s*(a\.?m\.?|p\.?m\.?)?(?=\W|$)|\b(\d{1,2})\.(\d{2})\s*(a\.?m\.?|p\.?m\.?)(?=\W|$)"
    r"|\b(\d{1,2})\s*(a\.?m\.?|p\.?m\.?)(?=\W|$)",
    re.IGNORECASE,
)
_EN_NOON = re.compile(r"\b(?:12\s*)?(noon|midday|midnight)\b", re.IGNORECASE)
# 10:30, 10点30分, 9时15分, 10点半, and with a clock period also the bare hour (下午2点): without
# one, "3点" may be "three points" and is left to the numbers (a time also matches its hour).
_ZH_TIME = re.compile(
    r"(上午|早上|早晨|凌晨|中午|下午|傍晚|晚上|晚间|夜间)?\s*(\d{1,2})"
    r"(?:[:：](\d{2})|[点时](\d{1,2})分?|点(半)|[点时])"
)

_ID_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(?:\s*(ribu|rb|juta|jt|miliar|milyar|triliun)\b)?", re.IGNORECASE)
_EN_NUMBER = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?:\s*(thousand|million|mn|billion|bn|trillion|tn)\b)?", re.IGNORECASE)
_ZH_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万亿|兆|亿|千万|百万|万|千)?")
_ZH_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*(?:点[零〇一二三四五六七八九]+(?:万亿|亿|万)?)?")
# What may stand between the two ends of a range such as "Rp1-2 miliar" or "10亿至20亿印尼盾".
_ID_RANGE = re.compile(r"\s*(?:-|–|—|s\.?d\.?|s/d|hingga|sampai(?:\s+dengan)?)\s*(?:Rp\.?\s*)?", re.IGNORECASE)
_EN_RANGE = re.compile(r"\s*(?:-|–|—|to)\s*(?:(?:IDR|Rp\.?|USD|US\$|\$)\s*)?", re.IGNORECASE)
_ZH_RANGE = re.compile(r"\s*(?:-|–|—|~|～|至|到)\s*")


def _date(year: str | None, month: int, day: str) -> Value:
    return ("date", int(year) if year else None, month, int(day))


def _number(value: float) -> Value:
    return ("num", float(f"{value:.12g}"))


def _take(pattern: re.Pattern[str], text: str, convert) -> tuple[list[Value], str]:
    values: list[Value] = []

    def keep(match: re.Match[str]) -> str:
        value = convert(match)
        if value is None:
            return match.group(0)
        values.append(value)
        return " "

    return values, pattern.sub(keep, text)


def _valid_date(value: Value) -> Value | None:
    _, _, month, day = value
    return value if 1 <= int(month) <= 12 and 1 <= int(day) <= 31 else None  # type: ignore[call-overload]


def _scaled_numbers(
    pattern: re.Pattern[str], text: str, group_separator: str, scales: dict[str, float], range_between: re.Pattern[str]
) -> list[Value]:
    """Numbers matched by ``pattern`` (groups: whole, fraction, scale word), with range scales shared."""
    found: list[tuple[float, float | None, int, int]] = []
    for match in pattern.finditer(text):
        whole = float(match.group(1).replace(group_separator, ""))
        fraction = float(f"0.{match.group(2)}") if match.group(2) else 0.0
        scale = scales[match.group(3).lower()] if match.group(3) else None
        found.append((whole + fraction, scale, match.start(), match.end()))
    values = []
    for index, (number, scale, _, end) in enumerate(found):
        if scale is None and index + 1 < len(found):
            next_number, next_scale, next_start, _ = found[index + 1]
            # "Rp1-2 miliar" is 1 to 2 billion: the first end borrows the scale of the second.
            if next_scale is not None and range_between.fullmatch(text, end, next_start):
                scale = next_scale
        values.append(_number(number * (scale or 1.0)))
    return values


def _short_date(match: re.Match[str], month_first_too: bool = False) -> Value | None:
    day, month = int(match.group(1)), int(match.group(2))
    value = _valid_date(("date", None, month, day))
    if value is None and month_first_too:
        value = _valid_date(("date", None, day, month))
    return value


def indonesian_values(text: str) -> list[Value]:
    """The numbers, amounts, dates and times of an Indonesian text."""
    values: list[Value] = []
    found, text = _take(_SLASH_DATE, text, lambda m: _valid_date(_date(m.group(3), int(m.group(2)), m.group(1))))
    values += found
    found, text = _take(_SHORT_DATE, text, _short_date)
    values += found
    text = _ID_DAY_RANGE.sub(r"\1 \3 ; \2 \3", text)
    found, text = _take(_ID_DATE, text, lambda m: _valid_date(_date(m.group(3), _ID_MONTHS[m.group(2).lower()], m.group(1))))
    values += found
    found, text = _take(_ID_TIME, text, lambda m: ("time", int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))))
    values += found
    values += _scaled_numbers(_ID_NUMBER, text, ".", _ID_SCALES, _ID_RANGE)
    return values


def english_values(text: str) -> list[Value]:
    """The numbers, amounts, dates and times of an English text.

    Number words are read up to the trillions (``twenty-five``, ``two hundred``, ``one million``);
    a slash date is read day first, or month first (US style) where day first is impossible.
    """
    values: list[Value] = []
    found, text = _take(_ISO_DATE, text, lambda m: _valid_date(_date(m.group(1), int(m.group(2)), m.group(3))))
    values += found
    found, text = _take(
        _SLASH_DATE,
        text,
        lambda m: _valid_date(_date(m.group(3), int(m.group(2)), m.group(1)))
        or _valid_date(_date(m.group(3), int(m.group(1)), m.group(2))),
    )
    values += found
    found, text = _take(_SHORT_DATE, text, lambda m: _short_date(m, month_first_too=True))
    values += found
    text = _EN_DAY_RANGE_MONTH_FIRST.sub(r"\1 \2\4 ; \1 \3\4", text)
    text = _EN_DAY_RANGE_DAY_FIRST.sub(r"\1 \3 ; \2 \3", text)
    found, text = _take(_EN_DATE_MONTH_FIRST, text, lambda m: _valid_date(_date(m.group(3), _EN_MONTHS[m.group(1).lower()], m.group(2))))
    values += found
    found, text = _take(_EN_DATE_DAY_FIRST, text, lambda m: _valid_date(_date(m.group(3), _EN_MONTHS[m.group(2).lower()], m.group(1))))
    values += found

    def time_value(match: re.Match[str]) -> Value | None:
        hour = int(match.group(1) or match.group(4) or match.group(7))
        minute = int(match.group(2) or match.group(5) or 0)
        meridiem = (match.group(3) or match.group(6) or match.group(8) or "").lower()
        if hour > 23 or minute > 59 or (meridiem and hour > 12):
            return None
        if meridiem.startswith("p") and hour < 12:
            hour += 12
        elif meridiem.startswith("a") and hour == 12:
            hour = 0
        return ("time", hour, minute)

    found, text = _take(_EN_TIME, text, time_value)
    values += found
    found, text = _take(_EN_NOON, text, lambda m: ("time", 0 if m.group(1).lower() == "midnight" else 12, 0))
    values += found
    values += _scaled_numbers(_EN_NUMBER, text, ",", _EN_SCALES, _EN_RANGE)
    values += [_number(value) for value in _english_number_words(text)]
    return values


def _english_number_words(text: str) -> list[float]:
    """The values of the runs of number words in ``text``: "twenty-five", "two hundred", "one million"."""
    values: list[float] = []
    total, current, in_run = 0.0, 0.0, False
    for word in re.findall(r"[a-z]+|[^a-z\s-]", text.lower()):
        if word in _EN_WORDS:
            # "twenty-five", "one hundred twenty", "one million two" are one number; "five six" two
            value = _EN_WORDS[word]
            joins = (
                current == 0
                or current % 100 == 0 and value < 100
                or current % 100 >= 20 and current % 10 == 0 and value < 10
            )
            if in_run and not joins:
                values.append(total + current)
                total, current = 0.0, 0.0
            current += value
            in_run = True
        elif word in _EN_MULTIPLIERS:
            current = (current or 1) * _EN_MULTIPLIERS[word]
            in_run = True
        elif word in _EN_WORD_SCALES and in_run:
            total += (current or 1) * _EN_WORD_SCALES[word]
            current = 0.0
        elif word == "and" and in_run and current >= 100:
            continue  # "two hundred and five"
        else:
            if in_run:
                values.append(total + current)
            total, current, in_run = 0.0, 0.0, False
            if word in _EN_ORDINALS:
                values.append(float(_EN_ORDINALS[word]))
    if in_run:
        values.append(total + current)
    return values


def _chinese_integer(text: str) -> float | None:
    """The value of a Chinese integer numeral: 二十三, 三万五千, 一亿两千万, 五千亿, 二〇二五."""
    if len(text) > 1 and all(char in _ZH_DIGITS for char in text):
        return float("".join(str(_ZH_DIGITS[char]) for char in text))  # read digit by digit: 二〇二五
    total, section, digit = 0.0, 0.0, None
    for char in text:
        if char in _ZH_DIGITS:
            digit = _ZH_DIGITS[char]
        elif char in _ZH_UNITS:
            section += (1 if digit is None else digit) * _ZH_UNITS[char]
            digit = None
        elif char == "万":
            total += (section + (digit or 0)) * 1e4
            section, digit = 0.0, None
        elif char == "亿":
            # 亿 multiplies everything before it, so 五万亿 is 5 * 10^4 * 10^8
            total = (total + section + (digit or 0)) * 1e8
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def _chinese_numeral(text: str) -> float | None:
    """The value of a Chinese numeral, with a decimal part after 点 (六点七, 六点五万亿)."""
    whole, _, rest = text.partition("点")
    value = _chinese_integer(whole)
    if value is None or not rest:
        return value
    digits = rest.rstrip("万亿")
    scale = {"": 1.0, "万": 1e4, "亿": 1e8, "万亿": 1e12}.get(rest[len(digits):])
    if scale is None or not all(char in _ZH_DIGITS for char in digits):
        return None
    fraction = float("0." + "".join(str(_ZH_DIGITS[char]) for char in digits))
    return (value + fraction) * scale


def chinese_values(text: str) -> list[Value]:
    """The numbers, amounts, dates and times of a Chinese text (Arabic digits and numerals)."""
    values: list[Value] = []
    found, text = _take(_ISO_DATE, text, lambda m: _valid_date(_date(m.group(1), int(m.group(2)), m.group(3))))
    values += found
    text = _ZH_DAY_RANGE.sub(r"\1\2\4 \1\3\4", text)
    found, text = _take(_ZH_DATE, text, lambda m: _valid_date(_date(m.group(1), int(m.group(2)), m.group(3))))
    values += found
    found, text = _take(_SLASH_DATE, text, lambda m: _valid_date(_date(m.group(3), int(m.group(2)), m.group(1))))
    values += found
    found, text = _take(_SHORT_DATE, text, _short_date)
    values += found

    def time_value(match: re.Match[str]) -> Value | None:
        period, hour = match.group(1) or "", int(match.group(2))
        if not (period or match.group(3) or match.group(4) or match.group(5)):
            return None
        minute = 30 if match.group(5) else int(match.group(3) or match.group(4) or 0)
        if hour > 23 or minute > 59:
            return None
        if period in _ZH_AFTERNOON and hour < 12 and not (period == "中午" and hour >= 11):
            hour += 12
        return ("time", hour, minute)

    found, text = _take(_ZH_TIME, text, time_value)
    values += found
    values += _scaled_numbers(_ZH_NUMBER, text, ",", _ZH_SCALES, _ZH_RANGE)
    for match in _ZH_NUMERAL.finditer(text):
        value = _chinese_numeral(match.group(0))
        if value is not None:
            values.append(_number(value))
    return values


VALUES_OF = {"id": indonesian_values, "en": english_values, "zh": chinese_values}


def missing_values(source: str, source_lang: str, target: str, target_lang: str) -> list[Value]:
    """Values of ``source`` that ``target`` does not contain (in any of its renderings).

    A date matches the same date; a date without a year matches any target date on that month
    and day, and a target date without a year matches when the year stands elsewhere in the
    target (as a number or in another date), and a year stated alone matches the year of a target
    date. A time matches the same clock reading, also written as a decimal (10.30).
    """
    have = VALUES_OF[target_lang](target)
    have_set = set(have)
    numbers = {value[1] for value in have if value[0] == "num"}
    # the year of "19 and 20 May 2025" stands with one date only
    numbers |= {float(value[1]) for value in have if value[0] == "date" and value[1] is not None}  # type: ignore[arg-type]
    days = {(value[2], value[3]): value[1] for value in have if value[0] == "date"}
    missing = []
    for value in VALUES_OF[source_lang](source):
        if value in have_set:
            continue
        if value[0] == "num" and value[1] in numbers:  # "tahun 2025" in a target that dates a day in 2025
            continue
        if value[0] == "date" and (value[2], value[3]) in days:
            target_year = days[(value[2], value[3])]
            if value[1] is None or target_year is None and float(value[1]) in numbers:  # type: ignore[arg-type]
                continue
        if value[0] == "time" and _number(int(value[1]) + int(value[2]) / 100) in have_set:  # type: ignore[call-overload]
            continue
        missing.append(value)
    return missing

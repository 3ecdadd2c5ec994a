"""The flag registry is the one list: the README's table and the review page agree with it."""

import re

from models.tiny import REPO
from pipeline.qa.flags import FLAG_MEANINGS, QA_FLAGS, flag_order


def test_readme_flag_table_lists_exactly_the_registered_flags():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| flag | meaning |"):]
    table = table[: table.index("\n\n")]
    listed = re.findall(r"^\| `([a-z_]+)` \|", table, re.MULTILINE)
    assert sorted(listed) == sorted(FLAG_MEANINGS)


def test_every_qa_flag_has_a_meaning_and_a_place():
    assert set(QA_FLAGS) <= set(FLAG_MEANINGS)
    assert [flag_order(flag) for flag in FLAG_MEANINGS] == list(range(len(FLAG_MEANINGS)))
    assert flag_order("not-a-flag") == len(FLAG_MEANINGS)

"""``en.txt`` and ``zh.txt``: the translated article with the source's block structure."""

from pipeline.article import Article, Block
from pipeline.joining import join_pieces


def _block_line(block: Block, text: str) -> str:
    # The reader keeps a marker only where the source had one: Markdown heading markers (also on
    # a "# title"), list markers. A title's "#" is kept too, so the output stays valid Markdown.
    if block.marker:
        return f"{block.marker} {text}"
    return text


def render_translation(article: Article, language: str) -> str:
    """The article in ``language`` (``en`` or ``zh``) with the source's block structure.

    One block per line group, a blank line between blocks; headings (a Markdown title too)
    and list items keep their markers. A block's sentences are joined by what meets between
    them (``pipeline.joining``): nothing between Chinese, a space between Latin words.
    """
    lines = []
    for block in article.blocks:
        text = join_pieces([getattr(sentence, language) for sentence in block.sentences])
        lines.append(_block_line(block, text))
    return "\n\n".join(lines) + "\n"

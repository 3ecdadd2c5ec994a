"""The Jinja2 templates of the HTML outputs, autoescaped: article text is data, never markup."""

from functools import cache
from typing import Any


@cache
def template(name: str) -> Any:
    """The template ``templates/<name>`` with autoescaping on and its final newline kept."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("pipeline.outputs", "templates"),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
    return environment.get_template(name)

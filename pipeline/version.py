"""warta's version, in a module of its own so that any stage can name it without importing the pipeline."""

__version__ = "0.1.0"

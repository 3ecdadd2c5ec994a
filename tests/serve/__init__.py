"""Tests of ``warta serve`` (``pipeline/serve``): the real server on 127.0.0.1, with the stand-in translator."""

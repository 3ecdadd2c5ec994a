"""warta's tests; ``tests.model_factory`` is shared with the benchmarks."""

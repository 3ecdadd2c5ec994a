"""Speed benchmarks: scripts that print figures, never tests."""

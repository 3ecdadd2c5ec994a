"""warta's tests; they mirror the package (tests/reading/, tests/qa/, tests/outputs/, tests/batch/, tests/models/)."""

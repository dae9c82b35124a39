"""Synthetic national-scale data for load tests and benchmarks (see ``bench/generate.py``)."""

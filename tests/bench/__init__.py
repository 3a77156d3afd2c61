"""Benchmarks for ``make bench``: each ``bench_*.py`` module has ``main() -> None`` that prints figures.

Benchmarks print figures and their ratio to a floor measured in the same run; nothing here asserts
on wall-clock speed (tests never do).
"""

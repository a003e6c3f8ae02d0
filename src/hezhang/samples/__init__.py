"""Generators of realistic demo data and writers for every file layout hezhang reads.

Used by `hezhang demo`, by the tests (round trips: parse(render(lines)) == lines) and by the benchmarks.
"""

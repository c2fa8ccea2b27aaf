"""The examples in the steps' docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "offsets",
    "lexicon",
    "normalize",
    "segment",
    "clauses",
    "numbers",
    "dates",
    "tasks",
    "readers",
    "pipeline",
    "draft_case",
]


@pytest.mark.parametrize("name", MODULES)
def test_it_keeps_docstring_examples_true(name: str) -> None:
    module = importlib.import_module(f"mubiao.extract.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0

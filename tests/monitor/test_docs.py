"""Docstring examples are part of the contract: run them."""

import doctest
import importlib
import pkgutil

import pytest

import mubiao.monitor

MODULES = [mubiao.monitor.__name__] + [
    f"{mubiao.monitor.__name__}.{m.name}" for m in pkgutil.iter_modules(mubiao.monitor.__path__)
]


@pytest.mark.parametrize("name", MODULES)
def test_it_keeps_every_docstring_example_true(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_it_exports_every_public_name_it_promises():
    for name in mubiao.monitor.__all__:
        assert hasattr(mubiao.monitor, name), name

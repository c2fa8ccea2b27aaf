"""The API tests reuse the reporting tests' clock, March cycle and report slots."""

from tests.reporting.conftest import clock, march, slot  # noqa: F401

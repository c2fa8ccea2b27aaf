"""The one exception the text engine raises for input it cannot use."""


class ExtractError(Exception):
    """A file or text the engine cannot read; the message is one plain sentence."""

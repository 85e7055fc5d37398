"""Command-line tokens, read without numpy: the argument parser needs this on every run,
TAB completion and --help included."""


def is_number(token: str) -> bool:
    """True if `token` reads as a float: '1', '-2.5', '1e-3', 'nan', 'inf', '-inf'."""
    try:
        float(token)
    except ValueError:
        return False
    return True

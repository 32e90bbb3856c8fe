"""One module per subcommand (see screener/cli.py). Keep top-level imports light."""


def iso_date(text: str):
    """argparse type for options such as --today: a date written YYYY-MM-DD (argparse
    turns the error into a one-line usage error with exit status 2)."""
    import argparse
    import datetime as dt
    import re

    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD")

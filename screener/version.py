"""The program's version, on its own: the root package and the result stamp both read it,
and the root package's lazy API imports screening (so screening cannot import the root)."""

__version__ = "0.1.0"

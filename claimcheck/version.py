"""The package version, in a module of its own: reports and workers read it without importing the package's facade."""

__version__ = "0.1.0"

"""mkldoctor: a command-line doctor for Intel MKL linking."""

__version__ = "0.1.0"

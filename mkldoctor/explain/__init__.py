"""A failed build or run to findings: the log parser, the linker and loader search, the diagnosis."""

"""Command functions that ``mkldoctor.cli`` registers with ``app.command()``."""

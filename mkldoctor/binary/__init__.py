"""Bytes to symbols: ar archives, ELF symbol tables, the symbol engine, demangling."""

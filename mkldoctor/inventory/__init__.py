"""One MKL copy described from its files (install), and a path turned into one (locate)."""

"""What a binary needs of MKL and OpenMP at run time, inside a root (``/``, a sysroot, an image)."""

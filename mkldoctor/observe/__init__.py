"""This machine running MKL: what a probe program, built and run here, observes (the CPU kernel MKL loads).

Below both ``diagnose`` and ``runtime``, which ask for these observations with a plain call."""

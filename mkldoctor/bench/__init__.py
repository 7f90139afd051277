"""``mkldoctor bench``: build a reference BERT encoder forward pass in C against an MKL
install, check its numbers, and time it, to prove that a link fix works and pays.

Modules: :mod:`.model` (shape, weights, safetensors), :mod:`.linkline` (the MKL link
flags), :mod:`.build` (compile, link, cache), :mod:`.run` (run, check, time),
:mod:`.reference` (float64 numpy forward), :mod:`.results` (frozen records),
:mod:`.summary` (the sentence), :mod:`.cpu` (CPU quota and features).
"""

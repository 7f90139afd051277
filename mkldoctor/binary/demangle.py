"""Demangled names of C++ and Rust symbols, for display only.

Symbols are always matched by their raw names; demangling is what a person reads.
binutils' ``c++filt`` handles C++, Rust legacy and Rust v0 names in one batch; where
it is missing, Rust legacy names (``_ZN...17h<hash>E``, what rustc emits by
default) are decoded here and the others are left as they are.
"""

from __future__ import annotations

import re
import subprocess

from mkldoctor.programs import find_program

_RUST_ESCAPES = {
    "$SP$": "@", "$BP$": "*", "$RF$": "&", "$LT$": "<", "$GT$": ">",
    "$LP$": "(", "$RP$": ")", "$C$": ",", "..": "::",
}
_HASH = re.compile(r"^h[0-9a-f]{16}$")
_RUST_HASH_SUFFIX = re.compile(r"::h[0-9a-f]{16}$")


def is_mangled(name: str) -> bool:
    return name.startswith(("_Z", "_R", "__Z"))


def demangle_all(names: list[str]) -> dict[str, str]:
    """Map each mangled name to its demangled form; unmangled names are left out."""
    mangled = sorted({n for n in names if is_mangled(n)})
    if not mangled:
        return {}
    result: dict[str, str] = {}
    tool = find_program("c++filt")
    if tool:
        try:
            run = subprocess.run(
                [tool], input="\n".join(mangled) + "\n", capture_output=True, text=True, timeout=60, check=False
            )
            lines = run.stdout.splitlines()
            if run.returncode == 0 and len(lines) == len(mangled):
                # Rust legacy names end in a hash that rustc's own messages leave out
                return {m: _RUST_HASH_SUFFIX.sub("", d) if m.startswith("_ZN") else d
                        for m, d in zip(mangled, lines) if m != d}
        except (OSError, subprocess.SubprocessError):
            pass
    for name in mangled:
        plain = demangle_rust_legacy(name)
        if plain:
            result[name] = plain
    return result


def demangle_rust_legacy(name: str) -> str | None:
    """``_ZN11candle_core3mkl5hgemm17h0123456789abcdefE`` -> ``candle_core::mkl::hgemm``."""
    if not name.startswith("_ZN") or not name.endswith("E"):
        return None
    body = name[3:-1]
    parts: list[str] = []
    pos = 0
    while pos < len(body):
        digits = pos
        while digits < len(body) and body[digits].isdigit():
            digits += 1
        if digits == pos:
            return None
        length = int(body[pos:digits])
        part = body[digits : digits + length]
        if len(part) != length:
            return None
        parts.append(part)
        pos = digits + length
    if parts and _HASH.match(parts[-1]):
        parts.pop()
    if not parts:
        return None
    out = []
    for part in parts:
        if part.startswith("_$"):
            part = part[1:]
        for escape, plain in _RUST_ESCAPES.items():
            part = part.replace(escape, plain)
        part = re.sub(r"\$u([0-9a-f]+)\$", lambda m: chr(int(m.group(1), 16)), part)
        out.append(part)
    return "::".join(out)

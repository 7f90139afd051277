"""The MKL functions a crate's own ``extern "C"`` blocks declare, and only those.

A declared function is an MKL need when some MKL release exports it (the symbol table built
from the real releases), or when its block is compiled only for MKL: under
``#[cfg(feature = "...mkl...")]``, ``#[link(name = "mkl_...")]``, or in a module that is. Blocks
compiled only for Apple's Accelerate (``cfg(target_os = "macos")``, a feature named
``accelerate``, a module such as candle-core's ``accelerate.rs``) are never MKL's, whatever
their ``link_name`` says.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from mkldoctor.knowledge import exports, history

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_MOD_DECL = re.compile(r"((?:#\[(?:[^\[\]]|\[[^\[\]]*\])*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;")
_PATH_ATTR = re.compile(r'#\[path\s*=\s*"([^"]+)"\]')
_EXTERN = re.compile(r'extern\s+"C"\s*\{')
_FN = re.compile(r"((?:#\[(?:[^\[\]]|\[[^\[\]]*\])*\]\s*)*)(?:pub(?:\([^)]*\))?\s+)?(?:safe\s+|unsafe\s+)?fn\s+([A-Za-z_]\w*)\s*\(")
_LINK_NAME = re.compile(r'#\[link_name\s*=\s*"([^"]+)"\]')


@dataclass(frozen=True)
class Declared:
    name: str  # the symbol the linker looks for (its link_name when given)
    path: str
    gate: str  # "mkl", "accelerate" or "" (compiled always)
    why: str
    int32: bool = False  # takes 32-bit integers (c_int, i32): wrong with an ILP64 MKL
    rust_name: str = ""  # the name in Rust, when a link_name differs
    line: int = 0  # of the ``fn`` in ``path``


def gate_of(attributes: str) -> str:
    """Which library a piece of code is compiled for, from its attributes."""
    text = attributes.replace(" ", "")
    if re.search(r'target_os="(macos|ios)"', text) or re.search(r'feature="[^"]*accelerate[^"]*"', text) \
            or re.search(r'#\[link\(name="Accelerate"', text, re.I):
        if not text.startswith("#[cfg(not("):
            return "accelerate"
    if re.search(r'feature="[^"]*mkl[^"]*"', text) or re.search(r'#\[link\(name="mkl', text):
        return "mkl"
    return ""


def _strip(text: str) -> str:
    return _COMMENT.sub(lambda m: " " * len(m.group(0)) if "\n" not in m.group(0) else "\n" * m.group(0).count("\n"), text)


def _module_gates(crate: str) -> dict[str, str]:
    """Files of the crate's src/ and the gate their ``mod`` declaration puts on them (inherited)."""
    src = os.path.join(crate, "src")
    roots = [os.path.join(src, n) for n in ("lib.rs", "main.rs") if os.path.isfile(os.path.join(src, n))]
    bins = os.path.join(src, "bin")
    roots += sorted(os.path.join(bins, n) for n in (os.listdir(bins) if os.path.isdir(bins) else ()) if n.endswith(".rs"))
    gates: dict[str, str] = {os.path.normpath(r): "" for r in roots}
    queue = list(gates)
    while queue and len(gates) < 5000:
        path = queue.pop(0)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = _strip(handle.read(4 << 20))
        except OSError:
            continue
        base = os.path.basename(path)
        folder = os.path.dirname(path) if base in ("lib.rs", "main.rs", "mod.rs") else os.path.splitext(path)[0]
        for attrs, name in _MOD_DECL.findall(text):
            explicit = _PATH_ATTR.search(attrs)
            options = [os.path.join(os.path.dirname(path), explicit.group(1))] if explicit else \
                [os.path.join(folder, f"{name}.rs"), os.path.join(folder, name, "mod.rs")]
            for option in options:
                option = os.path.normpath(option)
                if os.path.isfile(option) and option not in gates:
                    gates[option] = gate_of(attrs) or gates[path]
                    queue.append(option)
                    break
    return gates


def _blocks(text: str):
    """(start, end, attributes of every enclosing item) for each ``extern "C" { ... }`` block."""
    for match in _EXTERN.finditer(text):
        depth, i = 1, match.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        # attributes of the block itself and of each enclosing item (`#[cfg(..)] mod ffi {`)
        headers = []
        level = 0
        j = match.start()
        header_end = match.start()
        while j > 0:
            j -= 1
            c = text[j]
            if c == "}":
                level += 1
            elif c == "{":
                if level:
                    level -= 1
                else:
                    header_end = j
                    k = j
                    while k > 0 and text[k - 1] not in ";{}":
                        k -= 1
                    headers.append(text[k:header_end])
        k = match.start()
        while k > 0 and text[k - 1] not in ";{}":
            k -= 1
        headers.append(text[k:match.start()])
        yield match.end(), i - 1, " ".join(headers)


def declared_functions(crate: str, top: str) -> list[Declared]:
    out: list[Declared] = []
    gates = _module_gates(crate)
    build = os.path.join(crate, "build.rs")
    for path, file_gate in list(gates.items()) + ([(build, "")] if os.path.isfile(build) else []):
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = _strip(handle.read(4 << 20))
        except OSError:
            continue
        rel = os.path.relpath(path, top)
        for start, end, attrs in _blocks(text):
            block_gate = gate_of(attrs)
            body = text[start:end]
            for found in _FN.finditer(body):
                fn_attrs, name = found.groups()
                signature = body[found.end():body.find(";", found.end())]
                link = _LINK_NAME.search(fn_attrs)
                gate = "accelerate" if "accelerate" in (file_gate, block_gate, gate_of(fn_attrs)) else \
                    ("mkl" if "mkl" in (file_gate, block_gate, gate_of(fn_attrs)) else "")
                symbol = link.group(1) if link else name
                why = f"{rel} declares it in an extern \"C\" block" + (" compiled only with MKL" if gate == "mkl" else "")
                int32 = bool(re.search(r"\b(c_int|i32)\b", signature))
                line = text.count("\n", 0, start + found.start(2)) + 1  # _strip kept every newline
                out.append(Declared(symbol, rel, gate, why, int32, name if name != symbol else "", line))
    return out


def exported_by_mkl(symbol: str) -> bool:
    """Whether some MKL release exports ``symbol``: the per-release export table read from every
    release's libraries (knowledge/exports), or the tracked header history for a Fortran name
    spelled without its trailing underscore."""
    return exports.history(symbol) is not None or history.known(symbol)


def mkl_needs(crates: list[str], top: str) -> tuple[list[Declared], list[Declared]]:
    """(MKL needs, declarations set aside), over the given crate folders."""
    needs, skipped = [], []
    for crate in crates:
        for item in declared_functions(crate, top):
            if item.gate == "accelerate":
                skipped.append(item)
            elif item.gate == "mkl" or exported_by_mkl(item.name):
                needs.append(item)
            else:
                skipped.append(item)
    return needs, skipped

"""A fix that changes a link line, as data: which ``-L`` folders come first or go, which ``-lNAME`` is named
otherwise, what is added at the end, which arguments move after which (MKL's libraries after the library that
calls them) and what goes in before an argument (``-Wl,--no-as-needed``): those two by the arguments' places on
the failing line, which the line made runnable here keeps.

A diagnosis that prints such a fix registers its edit with the report's context
(:meth:`Context.edited`), so that :mod:`prove` can apply it to the failing line and run it, and never
has to read the fix back out of its wording.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    first_dirs: tuple[str, ...] = ()  # -L folders searched before the line's own
    drop_dirs: tuple[str, ...] = ()  # -L folders taken off the line
    libs: tuple[tuple[str, tuple[str, ...]], ...] = ()  # -lNAME -> the arguments that name it instead
    append: tuple[str, ...] = ()  # arguments added at the end of the line
    move: tuple[int, ...] = ()  # (start, stop, after): argv[start:stop] put after argv[after] (indices of the failing line)
    insert: tuple[tuple[int, tuple[str, ...]], ...] = ()  # (index, arguments): put before argv[index] (len(argv): at the end)
    note: str = ""  # what ``move`` and ``insert`` do, in words (describe)
    split: bool = False  # an argument that holds several options (" -L/x -lmkl_rt") given as its words
    paths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # an argument as given (a library's path) -> the arguments in its place

    def apply(self, argv: list[str]) -> list[str]:
        """``argv`` changed so: the compiler's or ld's own arguments, in their order."""
        if self.split:
            argv = [word for arg in argv for word in (arg.split() if SEVERAL_OPTIONS.match(arg) else [arg])]
        argv = self._placed(argv)
        out: list[str] = []
        replaced = dict(self.libs)
        by_path = dict(self.paths)
        dropped = {os.path.normpath(d) for d in self.drop_dirs}
        i = 0
        while i < len(argv):
            arg = argv[i]
            pair = arg in ("-L", "-l") and i + 1 < len(argv)
            value = argv[i + 1] if pair else arg[2:]
            if arg.startswith("-L") and os.path.normpath(value) in dropped:
                i += 2 if pair else 1
                continue
            if arg in by_path:
                out.extend(by_path[arg])
                i += 1
                continue
            if arg.startswith("-l") and value in replaced:
                out.extend(replaced[value])
                i += 2 if pair else 1
                continue
            out.extend(argv[i:i + 2] if pair else [arg])
            i += 2 if pair else 1
        if self.first_dirs:
            at = next((n for n, a in enumerate(out) if a.startswith("-L") and n > 0), len(out))
            out[at:at] = [f"-L{d}" for d in self.first_dirs]
        return out + list(self.append)

    def _placed(self, argv: list[str]) -> list[str]:
        """``argv`` with ``move`` and ``insert`` done, both by the places of the line as it was."""
        if not self.move and not self.insert:
            return list(argv)
        before: dict[int, list[str]] = {}
        for at, args in self.insert:
            before.setdefault(at, []).extend(args)
        order = list(range(len(argv)))
        if self.move:
            start, stop, after = self.move
            if 0 < start < stop <= len(argv) and not start <= after < stop and after < len(argv):
                rest = [i for i in order if not start <= i < stop]
                at = rest.index(after) + 1
                order = rest[:at] + order[start:stop] + rest[at:]
        out: list[str] = []
        for i in order:
            out.extend(before.get(i, ()))
            out.append(argv[i])
        out.extend(before.get(len(argv), ()))
        return out

    def describe(self) -> str:
        parts = [self.note] if self.note and (self.move or self.insert) else []
        parts += ["the argument of several flags given as its words"] if self.split else []
        parts += [f"-L{shlex.quote(d)} first" for d in self.first_dirs]
        parts += [f"no -L{shlex.quote(d)}" for d in self.drop_dirs]
        parts += [f"{' '.join(map(shlex.quote, args))} in place of -l{name}" for name, args in self.libs]
        parts += [f"{' '.join(map(shlex.quote, args))} in place of {shlex.quote(arg)}" for arg, args in self.paths]
        parts += [f"{' '.join(map(shlex.quote, self.append))} at the end"] if self.append else []
        return ", ".join(parts)

    def then(self, other: "Edit") -> "Edit":
        """This edit and ``other`` together."""
        return Edit(self.first_dirs + other.first_dirs, self.drop_dirs + other.drop_dirs, self.libs + other.libs,
                    self.append + other.append, self.move or other.move, self.insert + other.insert,
                    ", ".join(n for n in (self.note, other.note) if n), self.split or other.split, self.paths + other.paths)


SEVERAL_OPTIONS = re.compile(r"^\s*-\S+(?:\s+\S+)*\s+-\S")  # " -L/x -lmkl_rt": options in one argument (joinedflags)

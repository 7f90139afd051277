"""What can go wrong in ``mkldoctor bench``, each a :class:`MkldoctorError` with one line.

``exit_code`` (read by ``mkldoctor.cli.guarded``) is the status the command ends with:
1 for a failed build or check (the machine or the MKL install is at fault), 2 for bad
input (options, a model folder), as every :class:`UsageError` and :class:`InputError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mkldoctor.errors import EXIT_FINDING, InputError, MkldoctorError, UsageError

if TYPE_CHECKING:
    from mkldoctor.bench.results import BuildFailure


class BenchError(MkldoctorError):
    """A benchmark that could not be built, run or trusted."""

    exit_code = EXIT_FINDING


class BenchUsageError(UsageError):
    """Options that cannot make a benchmark."""


class ModelError(InputError):
    """A model folder, config.json or weight file that is not the BERT we can run."""


class SafetensorsError(ModelError):
    """A .safetensors file that breaks the format."""


class CompilerError(BenchError):
    """No C compiler, or one that cannot compile at all."""


class MissingLibraryError(BenchError):
    """The MKL install lacks a library this link needs."""


class BuildError(BenchError):
    """Compiling or linking the reference program failed; ``failure`` holds the raw log."""

    def __init__(self, failure: BuildFailure) -> None:
        super().__init__(failure.one_line())
        self.failure = failure


class RunError(BenchError):
    """The built program crashed or said something we cannot read."""


class CheckError(BenchError):
    """An engine's numbers are off: timing them would prove nothing."""

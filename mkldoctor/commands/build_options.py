"""check's options for the project's own build tool, declared once (issue 22): what ``cmake``, ``meson`` and
``cargo`` take on their own command lines, as they take it, and ``--configure``."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

Defines = Annotated[Optional[list[str]], typer.Option(
    "-D", "--define", metavar="NAME=VALUE",
    help="A cache variable (cmake -D NAME[:TYPE]=VALUE) or an option (meson -D NAME=VALUE), repeatable.")]
Preset = Annotated[Optional[str], typer.Option(
    "--preset", metavar="NAME", help="A configure preset of CMakePresets.json / CMakeUserPresets.json (cmake --preset).")]
Features = Annotated[Optional[list[str]], typer.Option(
    "--features", "-F", metavar="FEATURES",
    help="Cargo features to turn on, comma or space separated, repeatable (crate/feature too), as cargo takes them.")]
AllFeatures = Annotated[bool, typer.Option("--all-features", help="Cargo: every feature of the project's crates.")]
NoDefaultFeatures = Annotated[bool, typer.Option(
    "--no-default-features", help="Cargo: not the crates' default features.")]
Configure = Annotated[bool, typer.Option(
    "--configure", help="Also run the real configure step (cmake, meson setup) on a copy of the project in a scratch "
                        "folder and compare it with the prediction: this runs the project's build files. Off by default.")]


def build_options(defines, preset, features, all_features: bool, no_default_features: bool, configure: bool):
    from mkldoctor.diagnose.options import BuildOptions

    return BuildOptions(tuple(defines or ()), preset, tuple(features or ()), all_features, no_default_features,
                        configure)

"""Where each command the reader knows is declared: CMake's built-in commands, and those a module of CMake's own
defines once it is included (``include(CheckFunctionExists)`` defines ``check_function_exists``)."""

from __future__ import annotations

from typing import Callable

Handler = Callable  # (interpreter, command, words) -> None

BUILTINS: dict[str, Handler] = {}
MODULES: dict[str, dict[str, Handler]] = {}  # CMake module name -> the commands it defines
ON_INCLUDE: dict[str, Callable] = {}  # CMake module name -> what including it sets (interpreter) -> None

# CMake 3.25's commands that cannot change which MKL a build links: read and passed over
NO_EFFECT = frozenset("""
add_compile_definitions add_compile_options add_custom_command add_custom_target add_definitions add_dependencies
add_test build_command cmake_host_system_information create_test_sourcelist define_property enable_testing
export fltk_wrap_ui include_external_msproject include_regular_expression install install_files install_programs
install_targets load_cache mark_as_advanced qt_wrap_cpp qt_wrap_ui remove_definitions set_directory_properties
set_source_files_properties set_tests_properties site_name source_group subdirs target_compile_definitions
target_compile_features target_compile_options target_precompile_headers target_sources use_mangled_mesa
variable_requires variable_watch write_file aux_source_directory ctest_build ctest_configure ctest_coverage
ctest_empty_binary_directory ctest_memcheck ctest_read_custom_files ctest_run_script ctest_sleep ctest_start
ctest_submit ctest_test ctest_update ctest_upload get_test_property set_property_unused target_include_directories
include_directories configure_file
""".split())

# commands CMake 3.25 has whose effect the reader does not model: met, they are noted, and the run goes on
KNOWN_UNMODELLED = frozenset("""
cmake_file_api cmake_language cmake_path execute_process exec_program export_library_dependencies
get_source_file_property get_test_property output_required_files try_compile try_run utility_source
load_command make_directory remove build_name file_download
""".split())


def command(*names: str):
    def register(handler: Handler) -> Handler:
        for name in names:
            BUILTINS[name] = handler
        return handler
    return register


def module_command(module: str, *names: str):
    def register(handler: Handler) -> Handler:
        for name in names:
            MODULES.setdefault(module, {})[name] = handler
        return handler
    return register


def on_include(module: str):
    def register(handler: Callable) -> Callable:
        ON_INCLUDE[module] = handler
        MODULES.setdefault(module, {})
        return handler
    return register

"""Windows' error 1114 (a DLL's start-up failed) under torch's import, as public reports print it: nagadomi/nunif#701's
title (its maintainer: install the latest Visual C++ Redistributable), shiyu-coder/Kronos#166 in Chinese (the same answer),
RVC-Project#2019's CUDA cublas64_11.dll. No file is missing: not a loader search, not an unrecognised line."""

from __future__ import annotations

import pytest

from tests.test_explain_families import flat, only_error

NUNIF = ('[WinError 1114] A dynamic link library (DLL) initialization routine failed. Error loading "...\\c10.dll" or one '
         'of its dependencies.\n')
KRONOS = ('  File "D:\\python_project\\Kronos\\.venv\\Lib\\site-packages\\torch\\__init__.py", line 264, in _load_dll_libraries\n'
          '    raise err\nOSError: [WinError 1114] 动态链接库(DLL)初始化例程失败。 Error loading '
          '"D:\\python_project\\Kronos\\.venv\\Lib\\site-packages\\torch\\lib\\c10.dll" or one of its dependencies.\n')
RVC = ('OSError: [WinError 1114] A dynamic link library (DLL) initialization routine failed. Error loading '
       '"C:\\Users\\Toby\\Desktop\\RVC\\runtime\\lib\\site-packages\\torch\\lib\\cublas64_11.dll" or one of its dependencies.\n')


@pytest.mark.parametrize("log, dll", [(NUNIF, "c10.dll"), (KRONOS, "c10.dll"), (RVC, "cublas64_11.dll")])
def test_a_dlls_start_up_failed(log, dll):
    finding = only_error(log)
    assert finding.id == "windows-dll-init-failed" and f"loaded {dll}" in finding.title, flat(finding)
    assert finding.fix[0].startswith("install the latest Microsoft Visual C++ Redistributable"), finding.fix
    assert "LD_LIBRARY_PATH" not in flat(finding) and "cannot find" not in finding.title


def test_torchs_echo_after_it_joins_it():
    """torch's 'Error loading ...' line on its own line after the OSError is that error's echo, not a missing DLL."""
    log = ("OSError: [WinError 1114] A dynamic link library (DLL) initialization routine failed.\n"
           'Error loading "C:\\env\\Lib\\site-packages\\torch\\lib\\c10.dll" or one of its dependencies.\n')
    finding = only_error(log)
    assert finding.id == "windows-dll-init-failed" and "PyTorch" in finding.title, flat(finding)

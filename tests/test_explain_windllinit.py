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


def test_the_paging_file_and_a_path_past_260_characters():
    """Two of Windows' limits under a load or an install: error 1455 (the commit limit, a DLL of torch's), and pip's
    install into the Microsoft Store Python's deep folder (its Errno 2 of a path past MAX_PATH, with its long-path hint)."""
    paging = ('OSError: [WinError 1455] The paging file is too small for this operation to complete. Error loading '
              '"C:\\Users\\me\\anaconda3\\envs\\t\\lib\\site-packages\\torch\\lib\\caffe2_detectron_ops.dll" or one of its '
              'dependencies.\n')
    finding = only_error(paging)
    assert finding.id == "windows-paging-file-too-small" and "caffe2_detectron_ops.dll" in finding.title, flat(finding)
    assert "num_workers" in finding.fix[1]
    store = ("C:\\Users\\me\\AppData\\Local\\Packages\\PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0\\LocalCache\\"
             "local-packages\\Python312\\site-packages\\mkl_devel-2025.0.0.data\\data\\Library\\lib\\cmake\\mkl\\"
             "MKLConfigVersion.cmake")
    pip = (f"ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: '{store}'\n"
           "HINT: This error might have occurred since this system does not have Windows Long Path support enabled.\n")
    finding = only_error(pip)
    assert finding.id == "windows-path-too-long" and "LongPathsEnabled" in finding.fix[0], flat(finding)
    short = "ERROR: Could not install packages due to an OSError: [Errno 2] No such file or directory: 'C:\\x\\y.txt'\n"
    assert only_error(short).id != "windows-path-too-long"  # a short path is another failure

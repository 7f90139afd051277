"""Windows' own words around MKL (public text: no Windows here), each a failure mkldoctor said nothing, or nothing
useful, about before.

- torch's ``[WinError 127] ... Error loading "...caffe2_detectron_ops.dll"`` (the procedure, as ``DLL load failed``'s 127
  is) in English and Chinese;
- cmd's ``'setvars.bat' is not recognized as an internal or external command``, PowerShell's ``The term 'ifx' is not
  recognized``, and ``'C:\\Program' is not recognized`` (a path with spaces unquoted);
- an access violation in an IDE's and Visual Studio's words (``exit code -1073741819 (0xC0000005)``).
"""

from __future__ import annotations

import pytest

from tests.test_explain_families import errors_of, flat


@pytest.mark.parametrize("words", ["The specified procedure could not be found.", "找不到指定的程序。"])
def test_torchs_winerror_127(words):
    log = (f'OSError: [WinError 127] {words} Error loading "C:\\ProgramData\\Anaconda3\\lib\\site-packages\\torch\\lib\\'
           'caffe2_detectron_ops.dll" or one of its dependencies.\n')
    [finding] = errors_of(log)
    assert finding.id == "windows-entry-point-missing" and "caffe2_detectron_ops.dll" in finding.title, flat(finding)
    # 126 stays the module not found
    [module] = errors_of(log.replace("WinError 127", "WinError 126"))
    assert module.id == "windows-library-not-loaded", flat(module)


def test_oneapis_environment_not_found_by_cmd_or_powershell():
    [cmd] = errors_of("'setvars.bat' is not recognized as an internal or external command,\noperable program or batch file.\n")
    assert cmd.id == "windows-intel-command-not-found" and "full path" in cmd.title, flat(cmd)
    assert cmd.fix[0].startswith('call "C:\\Program Files (x86)\\Intel\\oneAPI\\setvars.bat"'), cmd.fix
    [ps] = errors_of("ifx : The term 'ifx' is not recognized as the name of a cmdlet, function, script file, or operable "
                     "program.\n")
    assert ps.id == "windows-intel-command-not-found" and ps.fix[0].startswith("from PowerShell: cmd /k"), flat(ps)
    [spaces] = errors_of("'C:\\Program' is not recognized as an internal or external command,\n")
    assert "without quotes" in spaces.title, flat(spaces)
    # another command: a failure all the same, said as unrecognised
    [other] = errors_of("'foo' is not recognized as an internal or external command,\n")
    assert other.id == "unrecognised-failure", flat(other)


@pytest.mark.parametrize("line", ["Process finished with exit code -1073741819 (0xC0000005)",
                                  "Exception thrown at 0x00007FFD2B4C1234 (mkl_core.2.dll) in app.exe: 0xC0000005: Access "
                                  "violation reading location 0x0000000000000000."])
def test_an_access_violation_in_an_ides_words(line):
    [finding] = errors_of(line + "\n")
    assert finding.id == ("mkl-crash" if "mkl_core" in line else "program-crashed"), flat(finding)


def test_a_dll_named_in_capitals_is_windows_one():
    # MKL's dispatcher on Windows may print its kernels' names as the file system spells them
    log = ("INTEL MKL ERROR: The specified module could not be found. MKL_VML_AVX2.2.DLL.\n"
           "Intel MKL FATAL ERROR: cannot load MKL_VML_AVX2.2.DLL or MKL_VML_DEF.2.DLL.\n")
    [finding] = errors_of(log)
    assert finding.id == "windows-library-not-loaded", flat(finding)
    assert "LD_LIBRARY_PATH" not in flat(finding)

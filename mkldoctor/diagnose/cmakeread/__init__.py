"""A bounded reader of the CMake language: what ``cmake`` does with a project's CMake files up to the link lines it
generates, for the parts that decide which MKL a build links (issue 22).

It reads; it never runs anything. Commands are evaluated the way CMake 3.25 evaluates them (variables and the
cache, ``if()``, functions and macros, ``find_*`` searches on the real file system, ``find_package`` in module and
config mode, targets and their link items); what a configure step would execute (``try_compile``,
``execute_process``) is modelled where it decides MKL (a link test: are the libraries there and do they define the
function) and otherwise recorded as not modelled, never silently guessed. Each module has one job:

- :mod:`syntax`: the files as commands and blocks;
- :mod:`expand`: variable references and lists;
- :mod:`condition`: ``if()``;
- :mod:`state`: variables, the cache, targets, what a run recorded;
- :mod:`interp`: control flow, functions and macros, includes;
- :mod:`commands` (and :mod:`strings`, :mod:`targets`): the commands themselves;
- :mod:`search`: ``find_library``, ``find_path``, ``find_file``, ``find_program``;
- :mod:`packages`: ``find_package``; :mod:`checks`: the modules CMake ships that a configure step runs natively;
- :mod:`machine`: the compilers, CMake's own modules, gcc's folders;
- :mod:`linkline`: targets to link lines to files, as ld takes them;
- :mod:`run`: one configure, predicted.
"""

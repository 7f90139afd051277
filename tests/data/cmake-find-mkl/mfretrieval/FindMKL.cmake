# Excerpt of github.com/Hui-Li/MFRetrieval Code/WedgeSampling/CMake/FindMKL.cmake (an old find module)
if(NOT MKLROOT)
    set(MKLROOT /opt/intel/mkl)
endif()
find_library(MKL_LIBRARY
        NAMES mkl_rt
        HINTS $ENV{MKLROOT}/lib/intel64 ${MKLROOT}/lib/intel64 $ENV{MKLROOT}/lib ${MKLROOT}/lib
        PATHS)
set(MKL_LIBRARIES ${MKL_LIBRARY} )

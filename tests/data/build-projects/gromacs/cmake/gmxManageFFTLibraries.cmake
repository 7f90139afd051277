# Trimmed from github.com/gromacs/gromacs cmake/gmxManageFFTLibraries.cmake @ b1a82ec1 (lines 1-41, 105-175; the FFTW3 branch, lines 42-104, is cut; see SOURCE.md)
#
# This file is part of the GROMACS molecular simulation package.
#
# Copyright 2012- The GROMACS Authors
# and the project initiators Erik Lindahl, Berk Hess and David van der Spoel.
# Consult the AUTHORS/COPYING files and https://www.gromacs.org for details.
#
# GROMACS is free software; you can redistribute it and/or
# modify it under the terms of the GNU Lesser General Public License
# as published by the Free Software Foundation; either version 2.1
# of the License, or (at your option) any later version.
#
# GROMACS is distributed in the hope that it will be useful,
# but WITHOUT ANY WARRANTY; without even the implied warranty of
# MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
# Lesser General Public License for more details.
#
# You should have received a copy of the GNU Lesser General Public
# License along with GROMACS; if not, see
# https://www.gnu.org/licenses, or write to the Free Software Foundation,
# Inc., 51 Franklin Street, Fifth Floor, Boston, MA  02110-1301  USA.
#
# If you want to redistribute modifications to GROMACS, please
# consider that scientific software is very special. Version
# control is crucial - bugs must be traceable. We will be happy to
# consider code for inclusion in the official distribution, but
# derived work must not be called official GROMACS. Details are found
# in the README & COPYING files - if they are missing, get the
# official version at https://www.gromacs.org.
#
# To help us fund GROMACS development, we humbly ask that you cite
# the research papers on the package. Check out https://www.gromacs.org.

include_guard()

# Set default that we are not using MKL for FFTs.
set(GMX_FFT_MKL 0)

# Manage setup of the different FFT libraries we can use in Gromacs.
set(PKG_FFT "")
set(PKG_FFT_LIBS "")
if(${GMX_FFT_LIBRARY} STREQUAL "FFTW3")
    message(STATUS "slice: the FFTW3 branch of gmxManageFFTLibraries.cmake is trimmed")
  elseif(${GMX_FFT_LIBRARY} STREQUAL "MKL")
    # Find the root for an installation of MKL by looking for
    # its master header
    find_path(MKLROOT "include/mkl.h" "include/mkl/mkl.h" PATHS ENV MKLROOT /opt/intel/oneapi/mkl/latest)
    if(NOT MKLROOT)
        message(FATAL_ERROR "Linking with MKL was requested but not found. Set MKLROOT.")
    endif()
    if (NOT TEST_MKL)
        message(STATUS "Found MKL at ${MKLROOT}")
    endif()
    add_library(MKL::MKL INTERFACE IMPORTED GLOBAL)
    foreach(_lib mkl_core mkl_sequential mkl_intel_lp64)
        find_library(${_lib}_PATH "${_lib}" PATHS "${MKLROOT}/lib" "${MKLROOT}/lib/intel64" REQUIRED)
        if(NOT UNIX)
            target_link_libraries(MKL::MKL INTERFACE "${${_lib}_PATH}")
        endif()
    endforeach()
    if(UNIX)
        # LINK_GROUP only necessary for static but doesn't hurt otherwise.
        target_link_libraries(MKL::MKL INTERFACE "$<LINK_GROUP:RESCAN,mkl_core,mkl_sequential,mkl_intel_lp64>")
        target_link_libraries(MKL::MKL INTERFACE -lpthread -lm -ldl)
    endif()
    target_link_directories(MKL::MKL INTERFACE "${MKLROOT}/lib" "${MKLROOT}/lib/intel64")
    find_path(MKL_INCLUDE_PATH "mkl.h" PATH_SUFFIXES "include" "include/mkl" HINTS ${MKLROOT})
    target_include_directories(MKL::MKL INTERFACE "${MKL_INCLUDE_PATH}")

    set(FFT_LIBRARIES MKL::MKL)

    # Check MKL works. If we were in a non-global scope, we wouldn't
    # have to play nicely.
    set(old_CMAKE_REQUIRED_LIBRARIES "${CMAKE_REQUIRED_LIBRARIES}")
    set(CMAKE_REQUIRED_LIBRARIES "${FFT_LIBRARIES}")

    check_function_exists(DftiCreateDescriptor TEST_MKL)

    set(CMAKE_REQUIRED_LIBRARIES "${old_CMAKE_REQUIRED_LIBRARIES}")

    if(NOT TEST_MKL)
        # Hack to help the user vary MKL settings until they work.
        # TODO Make this logic more useful.
        unset(TEST_MKL CACHE)
        message(FATAL_ERROR "Linking with MKL was requested, but was not successful: ${MKL_ERROR_MESSAGE}")
    endif()

    # Set variable to signal that we have MKL available and should use it for FFTs.
    set(GMX_FFT_MKL 1)

    # Hide internal MKL options
    get_cmake_property(_VARS VARIABLES)
    foreach (_VARNAME ${_VARS})
        if (_VARNAME MATCHES "^[Mm][Kk][Ll]_")
            mark_as_advanced(${_VARNAME})
        endif()
    endforeach()
    mark_as_advanced(FORCE ENABLE_BLAS95)
    mark_as_advanced(FORCE ENABLE_LAPACK95)
    mark_as_advanced(FORCE ENABLE_BLACS)
    mark_as_advanced(FORCE ENABLE_CDFT)
    mark_as_advanced(FORCE ENABLE_CPARDISO)
    mark_as_advanced(FORCE ENABLE_SCALAPACK)
    mark_as_advanced(FORCE ENABLE_OMP_OFFLOAD)

    set(FFT_STATUS_MESSAGE "Using external FFT library - Intel MKL")
elseif(${GMX_FFT_LIBRARY} STREQUAL "FFTPACK")
    set(GMX_FFT_FFTPACK 1)
    set(FFT_STATUS_MESSAGE "Using internal FFT library - fftpack")
else()
    gmx_invalid_option_value(GMX_FFT_LIBRARY)
endif()

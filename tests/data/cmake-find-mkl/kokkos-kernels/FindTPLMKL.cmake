# Excerpt of github.com/kokkos/kokkos-kernels cmake/Modules/FindTPLMKL.cmake @ 2fc2af19f (lines 1-2, 26-33)
find_package(MKL)
IF(TARGET MKL::MKL)
  SET(TPL_MKL_IMPORTED_NAME MKL::MKL)
ELSEIF (CMAKE_CXX_COMPILER_ID STREQUAL "Intel")
# Regular way with MKL version < 2021 (Where MKL doesn't provide cmake module file)
  TRY_COMPILE(KOKKOSKERNELS_HAS_MKL_ARG
    ${KOKKOSKERNELS_TOP_BUILD_DIR}/tpl_tests
    ${KOKKOSKERNELS_TOP_SOURCE_DIR}/cmake/compile_tests/mkl.cpp
    LINK_LIBRARIES -mkl
    COMPILE_DEFINITIONS -mkl)
ENDIF()

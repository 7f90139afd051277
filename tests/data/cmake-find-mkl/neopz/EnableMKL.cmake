# Excerpt of github.com/labmec/neopz cmake/EnableMKL.cmake
function(enable_mkl target)
  set(CMAKE_MKL_DEBUG OFF)
  find_package(MKL REQUIRED)
  target_link_libraries(${target} PRIVATE mkl::mkl_intel_32bit_omp_dyn)
  target_include_directories(${target} PRIVATE ${MKL_INCLUDE})
endfunction()

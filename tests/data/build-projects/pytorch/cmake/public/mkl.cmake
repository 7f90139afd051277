# Stand-in for PyTorch's cmake/public/mkl.cmake (see SOURCE.md): the imported target it defines, which carries
# MKL_LIBRARIES and MKL_INCLUDE_DIR; its link-line tuning (--no-as-needed groups, --exclude-libs) is cut.
find_package(MKL QUIET)

if(TARGET caffe2::mkl)
  return()
endif()

add_library(caffe2::mkl INTERFACE IMPORTED)
target_include_directories(caffe2::mkl INTERFACE ${MKL_INCLUDE_DIR})
target_link_libraries(caffe2::mkl INTERFACE ${MKL_LIBRARIES})

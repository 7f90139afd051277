// the slice's stand-in for libcaffe: one call into the BLAS
extern "C" void cblas_sgemm(...);
void caffe_stub() { cblas_sgemm(); }

// the slice's stand-in for dlib: one call into the BLAS
extern "C" double cblas_ddot(...);
double dlib_stub() { return cblas_ddot(); }

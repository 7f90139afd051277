// the slice's stand-in for oneMath's mklcpu backend: one call into MKL's C interface
extern "C" void cblas_dgemm(...);
void onemath_stub() { cblas_dgemm(); }

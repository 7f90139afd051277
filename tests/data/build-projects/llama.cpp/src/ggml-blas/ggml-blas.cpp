// the slice's stand-in for ggml-blas.cpp: one call into the BLAS
extern "C" void cblas_sgemm(...);
void ggml_blas_stub() { cblas_sgemm(); }

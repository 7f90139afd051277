// the slice's stand-in for LAMMPS's FFT code: one MKL DFTI call
extern "C" long DftiCreateDescriptor(void **, int, int, long, long);
void lammps_fft() { void *h = 0; DftiCreateDescriptor(&h, 36, 32, 1, 64); }

/* the slice's stand-in for GROMACS's FFT code: one MKL DFTI call */
extern long DftiCreateDescriptor(void **, int, int, long, long);
int main(void) { void *h = 0; return (int)DftiCreateDescriptor(&h, 35, 32, 1, 64); }

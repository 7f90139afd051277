/* the slice's stand-in for numpy.linalg: one CBLAS call */
extern void cblas_dgemm(void);
int main(void) { cblas_dgemm(); return 0; }

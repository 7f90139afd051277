/* the slice's stand-in for scipy.linalg: one LAPACK call */
extern void dgesv_(void);
int main(void) { dgesv_(); return 0; }

/* the slice's stand-in for SCS's direct solver: one LAPACK call */
extern void dpotrf_(void);
int main(void) { dpotrf_(); return 0; }

void lammps_fft();
int main() { lammps_fft(); return 0; }

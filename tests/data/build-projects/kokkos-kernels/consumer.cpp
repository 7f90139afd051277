void kokkoskernels_stub();
int main() { kokkoskernels_stub(); return 0; }

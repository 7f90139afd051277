extern crate intel_mkl_src;
use std::os::raw::{c_char, c_int};
extern "C" {
    fn sgemm_(ta: *const c_char, tb: *const c_char, m: *const c_int, n: *const c_int, k: *const c_int,
              alpha: *const f32, a: *const f32, lda: *const c_int, b: *const f32, ldb: *const c_int,
              beta: *const f32, c: *mut f32, ldc: *const c_int);
    fn hgemm_(ta: *const c_char, tb: *const c_char, m: *const c_int, n: *const c_int, k: *const c_int,
              alpha: *const u16, a: *const u16, lda: *const c_int, b: *const u16, ldb: *const c_int,
              beta: *const u16, c: *mut u16, ldc: *const c_int);
}
fn main() {
    let (n, t) = (2 as c_int, b'N' as c_char);
    let a = [1.0f32, 2.0, 3.0, 4.0];
    let mut c = [0.0f32; 4];
    unsafe { sgemm_(&t, &t, &n, &n, &n, &1.0, a.as_ptr(), &n, a.as_ptr(), &n, &0.0, c.as_mut_ptr(), &n) };
    let one = 0x3c00u16; // 1.0 in f16
    let h = [one; 4];
    let mut hc = [0u16; 4];
    unsafe { hgemm_(&t, &t, &n, &n, &n, &one, h.as_ptr(), &n, h.as_ptr(), &n, &0, hc.as_mut_ptr(), &n) };
    println!("sgemm {:?} hgemm {:?}", c, hc);
}

// Chooses MKL the way intel-mkl-src 0.8 does for mkl-static-lp64-iomp: MKLROOT first,
// then the ocipkg download cache, and prints the same kind of link directives.
use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=MKLROOT");
    let libs = ["mkl_intel_lp64", "mkl_intel_thread", "mkl_core", "iomp5"];
    let dir = if let Ok(root) = env::var("MKLROOT") {
        PathBuf::from(root).join("lib")
    } else {
        let data = env::var("XDG_DATA_HOME").map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env::var("HOME").unwrap()).join(".local/share"));
        let base = data.join("ocipkg/ghcr.io/rust-math/rust-mkl/linux/mkl-static-lp64-iomp");
        fs::read_dir(&base).expect("no MKL").next().unwrap().unwrap().path()
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    for lib in libs {
        if dir.join(format!("lib{}.a", lib)).exists() {
            println!("cargo:rustc-link-lib=static={}", lib);
        } else {
            println!("cargo:rustc-link-lib=dylib={}", lib);
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
    }
    for lib in ["pthread", "m", "dl"] { println!("cargo:rustc-link-lib=dylib={}", lib); }
}

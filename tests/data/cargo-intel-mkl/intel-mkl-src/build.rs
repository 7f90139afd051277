// Chooses MKL the way intel-mkl-src 0.8 does for mkl-static-lp64-iomp (MKLROOT first, then the ocipkg
// download cache) and prints what the real one prints on each path: intel-mkl-tool's
// `print_cargo_metadata` asks cargo to rerun on MKLROOT; ocipkg's `link_package` only on its
// folder and XDG_DATA_HOME.
use std::{env, fs, path::PathBuf};

fn main() {
    let libs = ["mkl_intel_lp64", "mkl_intel_thread", "mkl_core", "iomp5"];
    if let Ok(root) = env::var("MKLROOT") {
        let dir = PathBuf::from(root).join("lib");
        println!("cargo:rerun-if-env-changed=MKLROOT");
        println!("cargo:rustc-link-search={}", dir.display());
        for lib in libs {
            if dir.join(format!("lib{}.a", lib)).exists() {
                println!("cargo:rustc-link-lib=static={}", lib);
            } else {
                println!("cargo:rustc-link-lib=dylib={}", lib);
                println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
            }
        }
    } else {
        let data = env::var("XDG_DATA_HOME").map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(env::var("HOME").unwrap()).join(".local/share"));
        let base = data.join("ocipkg/oci-registry/rust-math/rust-mkl/linux/mkl-static-lp64-iomp");
        let dir = fs::read_dir(&base).expect("no MKL").next().unwrap().unwrap().path();
        println!("cargo:rustc-link-search={}", dir.display());
        let mut names: Vec<String> = fs::read_dir(&dir).unwrap().filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            Some(name.strip_prefix("lib")?.strip_suffix(".a")?.to_string())
        }).collect();
        names.sort();
        for name in names { println!("cargo:rustc-link-lib=static={}", name); }
        println!("cargo:rerun-if-changed={}", dir.display());
        println!("cargo:rerun-if-env-changed=XDG_DATA_HOME");
    }
    for lib in ["pthread", "m", "dl"] { println!("cargo:rustc-link-lib=dylib={}", lib); }
}

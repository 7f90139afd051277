// Excerpt of github.com/huggingface/candle candle-core/src/lib.rs @ 2a13b0f3ff62: the lines that gate the two BLAS modules
#[cfg(feature = "accelerate")]
mod accelerate;
#[cfg(feature = "mkl")]
mod mkl;

// Write a .safetensors file with the reference crate's serialize(): this
// made testdata/reference_written.safetensors. Build it offline against
// safetensors v0.5.3 (git archive v0.5.3 safetensors of
// github.com/huggingface/safetensors, unpacked at ../st-src/) and Debian's
// Rust crates (apt-get install librust-serde-json-dev librust-serde-derive-dev,
// with .cargo/config.toml replacing crates-io by
// directory = "/usr/share/cargo/registry"):
//     cargo build --release && ./target/release/st_write reference_written.safetensors
use safetensors::tensor::{serialize, Dtype, TensorView};
use std::collections::HashMap;
fn f32s(v: &[f32]) -> Vec<u8> { v.iter().flat_map(|x| x.to_le_bytes()).collect() }
fn main() {
    let path = std::env::args().nth(1).expect("usage: st_write FILE");
    let kernel = f32s(&[0.5, -1.25, 3.0, f32::NEG_INFINITY, 1e-30, 6.0]);
    let bias = f32s(&[0.1, 0.2, 0.3]);
    let f64s: Vec<u8> = [std::f64::consts::PI, -1e300].iter().flat_map(|x| x.to_le_bytes()).collect();
    let i32s: Vec<u8> = [i32::MIN, 5].iter().flat_map(|x| x.to_le_bytes()).collect();
    let step: Vec<u8> = i64::MAX.to_le_bytes().to_vec();
    let u8s: Vec<u8> = vec![0, 255, 7];
    let mask: Vec<u8> = vec![1, 0, 1, 1];
    let empty: Vec<u8> = vec![];
    let t = vec![
        ("dense/kernel", TensorView::new(Dtype::F32, vec![2, 3], &kernel).unwrap()),
        ("dense/bias", TensorView::new(Dtype::F32, vec![3], &bias).unwrap()),
        ("f64", TensorView::new(Dtype::F64, vec![2], &f64s).unwrap()),
        ("i32", TensorView::new(Dtype::I32, vec![2, 1], &i32s).unwrap()),
        ("step", TensorView::new(Dtype::I64, vec![], &step).unwrap()),
        ("u8", TensorView::new(Dtype::U8, vec![3], &u8s).unwrap()),
        ("mask", TensorView::new(Dtype::BOOL, vec![2, 2], &mask).unwrap()),
        ("empty", TensorView::new(Dtype::F32, vec![0, 3], &empty).unwrap()),
    ];
    let mut meta = HashMap::new();
    meta.insert("note".to_string(), "<a & b> ✓".to_string());
    let out = serialize(t, &Some(meta)).unwrap();
    std::fs::write(path, out).unwrap();
}

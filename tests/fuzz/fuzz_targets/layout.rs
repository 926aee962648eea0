//! libFuzzer target: [`candidats_fuzz::layout`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| candidats_fuzz::layout(data));

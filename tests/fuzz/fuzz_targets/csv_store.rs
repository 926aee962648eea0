//! libFuzzer target: [`candidats_fuzz::csv_store`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| candidats_fuzz::csv_store(data));

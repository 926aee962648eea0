//! libFuzzer target: [`candidats_fuzz::import_file`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| candidats_fuzz::import_file(data));

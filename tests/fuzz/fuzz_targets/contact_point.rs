//! libFuzzer target: [`candidats_fuzz::contact_point`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| candidats_fuzz::contact_point(data));

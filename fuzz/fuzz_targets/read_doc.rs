//! `cargo +nightly fuzz run read_doc`: any bytes read as a Word 97 .doc give its text or a refusal,
//! never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = duban_plan::doc::doc_text(data);
});

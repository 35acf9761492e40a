//! `cargo +nightly fuzz run read_pdf`: any bytes read as a PDF give its text or a refusal, never a panic
//! that escapes (the PDF reader's own panics are caught and refused).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.extend_from_slice(data);
    let _ = duban_plan::pdf::pdf_text(&bytes);
});

//! `cargo +nightly fuzz run read_ofd`: any bytes read as an OFD package give its text or a refusal,
//! never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = duban_plan::ofd::ofd_text(data);
});

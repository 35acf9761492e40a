//! `cargo +nightly fuzz run read_html`: any bytes read as a web page give text (and its tables), never a
//! panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = duban_plan::html::html_text(&duban_plan::html::decode_html(data));
    let (rest, _tables) = duban_plan::table::extract(&text);
    assert!(!rest.contains(duban_plan::table::MERGED_ABOVE));
});

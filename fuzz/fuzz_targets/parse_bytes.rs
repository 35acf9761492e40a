//! `cargo +nightly fuzz run parse_bytes`: any bytes give a plan or a decode error, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = duban_plan::parse_bytes(data) {
        for item in duban_plan::walk_items(&plan.items) {
            assert_eq!(item.level as usize, item.path.len());
        }
    }
});

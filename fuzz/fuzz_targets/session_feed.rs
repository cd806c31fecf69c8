//! Fuzz target: a session under any preset and staged settings, fed client
//! bytes in fuzzer-chosen pieces with clock advances and shutdowns between
//! them (format: `fuzz/harness/src/lib.rs`). Every reply must be well
//! formed, and nothing may follow Close.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    smtplab_fuzz_harness::run(data);
});

//! What the example programs share: logging, error printing, figures.

// Each example uses a part of these.
#![allow(dead_code)]

use std::error::Error as StdError;
use std::io::Write;

/// Logs to standard error, filtered by `RUST_LOG` (nothing by default).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off"));
    // A second initialisation (in tests) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Prints an error and each of its causes to standard error.
pub fn print_error_chain(error: &dyn StdError) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "error: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = writeln!(stderr, "  caused by: {cause}");
        source = cause.source();
    }
}

/// A count with thousands separators: `21,456`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A count with its share of a whole: `731 (3.4 %)`.
pub fn share(part: u64, whole: u64) -> String {
    format!("{} ({:.1} %)", count(part), candidats::percent(part, whole))
}

/// An error writing to standard output.
pub fn output_error(error: std::io::Error) -> candidats::Error {
    candidats::Error::io("write", "the standard output", error)
}

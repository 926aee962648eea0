//! Timing, medians, and the results table.

use std::fmt::Write as _;
use std::time::Instant;

/// What a figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Seconds of wall-clock time.
    Seconds,
    /// Bytes of memory.
    Bytes,
}

impl Unit {
    /// `value` in this unit, for people: `1.85 s`, `240 ms`, `62.4 MB`.
    pub fn show(self, value: f64) -> String {
        match self {
            Unit::Seconds if value >= 1.0 => format!("{value:.2} s"),
            Unit::Seconds if value >= 0.01 => format!("{:.0} ms", value * 1e3),
            Unit::Seconds if value >= 0.001 => format!("{:.2} ms", value * 1e3),
            Unit::Seconds => format!("{:.0} µs", value * 1e6),
            Unit::Bytes => format!("{:.1} MB", value / 1e6),
        }
    }
}

/// Samples of one figure.
#[derive(Clone, Debug, Default)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    /// The median (the mean of the two middle samples for an even count).
    pub fn median(&self) -> f64 {
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        match sorted.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
        }
    }

    /// The smallest and largest samples.
    pub fn range(&self) -> (f64, f64) {
        let min = self.0.iter().copied().fold(f64::INFINITY, f64::min);
        let max = self.0.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (min, max)
    }

    /// Adds a sample.
    pub fn push(&mut self, value: f64) {
        self.0.push(value);
    }
}

/// Times `f` `runs` times, after one untimed run that warms the caches.
///
/// # Errors
///
/// The first error of `f`.
pub fn time<T, E>(runs: usize, mut f: impl FnMut() -> Result<T, E>) -> Result<Samples, E> {
    f()?;
    let mut samples = Samples::default();
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        samples.push(started.elapsed().as_secs_f64());
    }
    Ok(samples)
}

/// What a figure is held against.
#[derive(Clone, Debug)]
pub enum Against {
    /// Another figure measured in the same run; the ratio must stay at or
    /// under `limit`.
    Measured {
        /// What it is.
        label: String,
        /// Its samples.
        samples: Samples,
        /// The largest ratio that passes.
        limit: f64,
    },
    /// Another figure measured in the same run, shown beside it with no
    /// target.
    Reference {
        /// What it is.
        label: String,
        /// Its samples.
        samples: Samples,
    },
    /// A fixed target: the figure must stay under it.
    Target(f64),
    /// Nothing: the figure is reported only.
    Nothing,
}

/// One line of the results table.
#[derive(Clone, Debug)]
pub struct Line {
    /// What was measured.
    pub figure: String,
    /// Its samples.
    pub samples: Samples,
    /// Their unit.
    pub unit: Unit,
    /// What it is held against.
    pub against: Against,
}

impl Line {
    /// The ratio of the figure to what it is held against, and whether it
    /// passes.
    pub fn verdict(&self) -> Option<(f64, bool)> {
        let value = self.samples.median();
        match &self.against {
            Against::Measured { samples, limit, .. } => {
                let ratio = value / samples.median();
                Some((ratio, ratio <= *limit))
            }
            Against::Target(target) => {
                let ratio = value / target;
                Some((ratio, ratio < 1.0))
            }
            Against::Reference { .. } | Against::Nothing => None,
        }
    }
}

/// A figure that could not be measured, and why.
#[derive(Clone, Debug)]
pub struct Skipped {
    /// What would have been measured.
    pub figure: String,
    /// Why not.
    pub reason: String,
}

/// The results table, in Markdown.
pub fn table(lines: &[Line], skipped: &[Skipped]) -> String {
    let mut out = String::new();
    out.push_str(
        "| figure | median | runs (min – max) | compared with, same run | ratio | target | result |\n\
         |---|---:|---|---|---:|---|---|\n",
    );
    for line in lines {
        let (min, max) = line.samples.range();
        let runs = format!(
            "{} ({} – {})",
            line.samples.0.len(),
            line.unit.show(min),
            line.unit.show(max)
        );
        let (compared, target) = match &line.against {
            Against::Measured {
                label,
                samples,
                limit,
            } => (
                format!("{label}: {}", line.unit.show(samples.median())),
                format!("ratio ≤ {limit:.2}"),
            ),
            Against::Target(target) => (
                "fixed target".to_string(),
                format!("< {}", line.unit.show(*target)),
            ),
            Against::Reference { label, samples } => (
                format!("{label}: {}", line.unit.show(samples.median())),
                "reported only".to_string(),
            ),
            Against::Nothing => ("–".to_string(), "reported only".to_string()),
        };
        let (ratio, result) = match (&line.against, line.verdict()) {
            (_, Some((ratio, pass))) => (
                format!("{ratio:.2}"),
                if pass { "pass" } else { "**miss**" }.to_string(),
            ),
            (Against::Reference { samples, .. }, None) => (
                format!("{:.2}", line.samples.median() / samples.median()),
                "–".to_string(),
            ),
            (_, None) => ("–".to_string(), "–".to_string()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {runs} | {compared} | {ratio} | {target} | {result} |",
            line.figure,
            line.unit.show(line.samples.median()),
        );
    }
    for skip in skipped {
        let _ = writeln!(
            out,
            "| {} | – | – | skipped: {} | – | – | – |",
            skip.figure, skip.reason
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(Samples(vec![4.0, 1.0, 3.0]).median(), 3.0);
        assert_eq!(Samples(vec![4.0, 1.0, 3.0, 2.0]).median(), 2.5);
    }

    #[test]
    fn a_line_passes_at_or_under_its_limit() {
        let line = |value: f64, limit: f64| Line {
            figure: "x".into(),
            samples: Samples(vec![value]),
            unit: Unit::Seconds,
            against: Against::Measured {
                label: "y".into(),
                samples: Samples(vec![2.0]),
                limit,
            },
        };

        assert_eq!(line(1.0, 0.5).verdict(), Some((0.5, true)));
        assert_eq!(line(1.2, 0.5).verdict(), Some((0.6, false)));
    }

    #[test]
    fn units_read_as_people_write_them() {
        assert_eq!(Unit::Seconds.show(1.854), "1.85 s");
        assert_eq!(Unit::Seconds.show(0.240), "240 ms");
        assert_eq!(Unit::Seconds.show(0.0012), "1.20 ms");
        assert_eq!(Unit::Bytes.show(62_400_000.0), "62.4 MB");
    }
}

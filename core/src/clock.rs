//! Where the campaign reads the time.

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// A source of the current time. The campaign asks it whenever it stamps a
/// record, so that tests and simulations can run at any date.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock, read to the microsecond: the finest instant every
/// store keeps (PostgreSQL's `timestamptz` holds microseconds), so that what
/// the campaign writes reads back equal.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that stays where it is set, for tests and simulations.
///
/// ```
/// use candidats_core::{Clock, ManualClock};
/// use chrono::{Duration, TimeZone, Utc};
///
/// let start = Utc.with_ymd_and_hms(2015, 11, 10, 9, 0, 0).unwrap();
/// let clock = ManualClock::new(start);
/// clock.advance(Duration::hours(2));
/// assert_eq!(clock.now(), start + Duration::hours(2));
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `now`.
    pub fn new(now: DateTime<Utc>) -> ManualClock {
        ManualClock {
            now: Mutex::new(now),
        }
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        match self.now.lock() {
            Ok(mut guard) => *guard = now,
            Err(poisoned) => *poisoned.into_inner() = now,
        }
    }

    /// Moves the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        match self.now.lock() {
            Ok(mut guard) => *guard += by,
            Err(poisoned) => *poisoned.into_inner() += by,
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        match self.now.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    #[test]
    fn the_system_clock_reads_whole_microseconds() {
        let now = SystemClock.now();

        assert_eq!(now.nanosecond() % 1_000, 0, "{now:?}");
    }
}

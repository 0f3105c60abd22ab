//! Where the limiter reads the time: the real monotonic clock (the binary, the browser suite),
//! or a clock a test moves by hand so that sliding windows need no sleeping.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// The limiter's clock.
#[derive(Debug, Clone, Default)]
pub enum LimiterClock {
    /// Real time.
    #[default]
    Real,
    /// Time that moves only when the test says so.
    Manual(ManualClock),
}

impl LimiterClock {
    /// A reading: real time since `origin` (when the limiter was turned on), or the manual
    /// clock's time. Only differences between readings matter.
    pub(crate) fn since(&self, origin: Instant) -> Duration {
        match self {
            Self::Real => origin.elapsed(),
            Self::Manual(clock) => *clock.elapsed.lock(),
        }
    }
}

/// A clock for tests: it starts at zero and moves only by [`ManualClock::advance`]. Clones share
/// the same time, so a test keeps one and hands the server another.
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    elapsed: Arc<Mutex<Duration>>,
}

impl ManualClock {
    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.elapsed.lock() += by;
    }
}

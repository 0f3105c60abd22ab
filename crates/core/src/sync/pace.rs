//! Pacing and budgets for every call the extension makes to LinkedIn on its own.
//!
//! LinkedIn publishes no limit; it answers sessions that call like a script with 429s, 999s,
//! security checkpoints and restricted accounts. So calls are spaced by random gaps, a run
//! begins with a short burst no bigger than one page load of LinkedIn's own web client, a
//! longer rest comes every few dozen calls, and rolling hourly and daily budgets cap the
//! volume, with a much smaller budget for profile lookups (what LinkedIn counts first). The
//! presets follow `shared/reference/linkedin-limits.md` §5; the README gives the reasoning.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::voyager::VoyagerCall;

/// How fast the extension may call LinkedIn. There is deliberately no unlimited setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum PacePreset {
    /// For new accounts or accounts with few connections: half the pace of Standard.
    Careful,
    /// Well under every public report of trouble; the default.
    #[default]
    Standard,
    /// Ping CRM's one-second floor; more risk, for established accounts.
    Faster,
    /// Standard's shape with timing compressed a thousandfold, for the browser suite only;
    /// the options page never offers it.
    Compressed,
}

/// A uniform random span of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The shortest draw.
    pub min: Duration,
    /// The longest draw.
    pub max: Duration,
}

/// At most `calls` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The rolling window, e.g. an hour or a day.
    pub window: Duration,
    /// The most calls allowed within any such window.
    pub calls: u32,
}

/// The numbers behind a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacePolicy {
    /// Between two calls of any kind.
    pub gap: Span,
    /// The first calls of a run come this close together (a page load's worth).
    pub burst_calls: u32,
    /// Between two calls of the opening burst.
    pub burst_gap: Span,
    /// A longer rest after every so many calls of a run.
    pub rest_every: (u32, u32),
    /// How long that rest lasts.
    pub rest: Span,
    /// Messaging calls (conversation lists, message pages, `/me`).
    pub budgets: Vec<Budget>,
    /// Between two profile lookups.
    pub profile_gap: Span,
    /// Budgets of profile lookups, the calls LinkedIn restricts first; they also count against
    /// `budgets`.
    pub profile_budgets: Vec<Budget>,
}

fn secs(min: i64, max: i64) -> Span {
    Span {
        min: Duration::seconds(min),
        max: Duration::seconds(max),
    }
}

fn per_hour_and_day(hour: u32, day: u32) -> Vec<Budget> {
    vec![
        Budget {
            window: Duration::hours(1),
            calls: hour,
        },
        Budget {
            window: Duration::days(1),
            calls: day,
        },
    ]
}

impl PacePreset {
    /// The policy of this preset.
    pub fn policy(self) -> PacePolicy {
        match self {
            Self::Careful => PacePolicy {
                gap: secs(4, 10),
                burst_calls: 5,
                burst_gap: secs(1, 3),
                rest_every: (15, 25),
                rest: secs(30, 90),
                budgets: per_hour_and_day(60, 300),
                profile_gap: secs(90, 180),
                profile_budgets: per_hour_and_day(8, 20),
            },
            Self::Standard => PacePolicy {
                gap: secs(2, 6),
                burst_calls: 10,
                burst_gap: secs(1, 2),
                rest_every: (15, 25),
                rest: secs(20, 60),
                budgets: per_hour_and_day(120, 600),
                profile_gap: secs(45, 120),
                profile_budgets: per_hour_and_day(15, 40),
            },
            Self::Faster => PacePolicy {
                gap: secs(1, 3),
                burst_calls: 20,
                burst_gap: secs(1, 1),
                rest_every: (30, 50),
                rest: secs(10, 30),
                budgets: per_hour_and_day(300, 1_500),
                profile_gap: secs(30, 60),
                profile_budgets: per_hour_and_day(30, 80),
            },
            Self::Compressed => Self::Standard.policy().compressed(1_000),
        }
    }

    /// The slower preset of the two.
    pub fn slower(self, other: Self) -> Self {
        let rank = |preset: Self| match preset {
            Self::Careful => 0,
            Self::Standard => 1,
            Self::Faster => 2,
            Self::Compressed => 3,
        };
        if rank(other) < rank(self) {
            other
        } else {
            self
        }
    }
}

impl PacePolicy {
    /// Every duration divided by `factor`, budgets unchanged.
    fn compressed(self, factor: i32) -> Self {
        let span = |span: Span| Span {
            min: span.min / factor,
            max: span.max / factor,
        };
        let budgets = |budgets: Vec<Budget>| {
            budgets
                .into_iter()
                .map(|budget| Budget {
                    window: budget.window / factor,
                    calls: budget.calls,
                })
                .collect()
        };
        Self {
            gap: span(self.gap),
            burst_calls: self.burst_calls,
            burst_gap: span(self.burst_gap),
            rest_every: self.rest_every,
            rest: span(self.rest),
            budgets: budgets(self.budgets),
            profile_gap: span(self.profile_gap),
            profile_budgets: budgets(self.profile_budgets),
        }
    }

    /// The longest budget window: older calls no longer matter.
    fn memory(&self) -> Duration {
        self.budgets
            .iter()
            .chain(&self.profile_budgets)
            .map(|budget| budget.window)
            .max()
            .unwrap_or_else(Duration::zero)
    }
}

/// Which budget a call spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// `/me`, conversation lists and message pages.
    Messaging,
    /// Profile lookups, with their own gap and smaller budgets.
    Profile,
}

impl Lane {
    /// The lane a call spends from.
    pub fn of(call: &VoyagerCall) -> Self {
        match call {
            VoyagerCall::Profile { .. } => Self::Profile,
            VoyagerCall::Me | VoyagerCall::Conversations { .. } | VoyagerCall::Messages { .. } => {
                Self::Messaging
            }
        }
    }
}

/// When the next call may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Right away.
    Now,
    /// After a gap.
    At(DateTime<Utc>),
    /// A budget is spent; it frees at `until`.
    Spent {
        /// When the oldest counted call leaves the window and a call may go again.
        until: DateTime<Utc>,
    },
}

/// The calls made in the longest budget window, persisted with the sync state so that a
/// restarted worker or browser cannot reset a budget.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaceLog {
    /// Every call, oldest first.
    calls: Vec<DateTime<Utc>>,
    /// Profile lookups, oldest first (also in `calls`).
    profile_calls: Vec<DateTime<Utc>>,
    /// LinkedIn pushed back: until then the run goes at the Careful pace at most.
    slowed_until: Option<DateTime<Utc>>,
}

impl PaceLog {
    /// When a call in `lane` may go, for the `nth` call of a run (0-based); `seed` draws the
    /// random gaps reproducibly.
    pub fn slot(
        &self,
        policy: &PacePolicy,
        lane: Lane,
        nth: u32,
        seed: &str,
        now: DateTime<Utc>,
    ) -> Slot {
        let (budgets, calls) = match lane {
            Lane::Messaging => (&policy.budgets, &self.calls),
            Lane::Profile => (&policy.profile_budgets, &self.profile_calls),
        };
        if let Some(until) = spent_until(budgets, calls, now) {
            return Slot::Spent { until };
        }
        let gap = if nth < policy.burst_calls {
            draw(policy.burst_gap, seed, nth)
        } else {
            draw(policy.gap, seed, nth) + rest(policy, seed, nth)
        };
        let mut at = self.calls.last().map(|last| *last + gap);
        if lane == Lane::Profile {
            let profile_gap = draw(policy.profile_gap, seed, nth.wrapping_add(1 << 30));
            at = at.max(self.profile_calls.last().map(|last| *last + profile_gap));
        }
        match at {
            Some(at) if at > now => Slot::At(at),
            _ => Slot::Now,
        }
    }

    /// Notes a call made at `now`, forgetting calls older than every window.
    pub fn record(&mut self, policy: &PacePolicy, lane: Lane, now: DateTime<Utc>) {
        let horizon = now - policy.memory();
        self.calls.retain(|at| *at > horizon);
        self.profile_calls.retain(|at| *at > horizon);
        self.calls.push(now);
        if lane == Lane::Profile {
            self.profile_calls.push(now);
        }
    }

    /// LinkedIn pushed back: go at the Careful pace at most until `until`.
    pub fn slow_down(&mut self, until: DateTime<Utc>) {
        self.slowed_until = self.slowed_until.max(Some(until));
    }

    /// The preset in force: the chosen one, or Careful while LinkedIn's pushback lasts.
    pub fn preset_in_force(&self, chosen: PacePreset, now: DateTime<Utc>) -> PacePreset {
        match self.slowed_until {
            // The compressed test timing stays compressed: only its budgets matter there.
            Some(until) if until > now && chosen != PacePreset::Compressed => {
                chosen.slower(PacePreset::Careful)
            }
            _ => chosen,
        }
    }

    /// Whether LinkedIn pushed back (429, 999, checkpoint) and the slower pace still holds.
    pub fn pushed_back(&self, now: DateTime<Utc>) -> bool {
        self.slowed_until.is_some_and(|until| until > now)
    }

    /// Calls in the last `window`, for the popup's budget display.
    pub fn calls_within(&self, lane: Lane, window: Duration, now: DateTime<Utc>) -> usize {
        let calls = match lane {
            Lane::Messaging => &self.calls,
            Lane::Profile => &self.profile_calls,
        };
        calls.iter().filter(|at| **at > now - window).count()
    }
}

/// When the first spent budget frees, if one is spent.
fn spent_until(
    budgets: &[Budget],
    calls: &[DateTime<Utc>],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    budgets
        .iter()
        .filter_map(|budget| {
            let within: Vec<_> = calls
                .iter()
                .filter(|at| **at > now - budget.window)
                .collect();
            let over = (within.len() + 1).checked_sub(budget.calls as usize)?;
            // The window frees once the calls that fill it have aged out.
            within
                .get(over.checked_sub(1)?)
                .map(|at| **at + budget.window)
        })
        .max()
}

/// A rest on top of the gap when the `nth` call ends a stretch.
fn rest(policy: &PacePolicy, seed: &str, nth: u32) -> Duration {
    let (low, high) = policy.rest_every;
    let every = low + (hash(seed, u64::MAX - 1) % u64::from(high.saturating_sub(low) + 1)) as u32;
    if nth > 0 && nth.is_multiple_of(every) {
        draw(policy.rest, seed, nth.wrapping_add(1 << 31))
    } else {
        Duration::zero()
    }
}

/// A duration drawn uniformly from `span`, the same for the same seed and call.
fn draw(span: Span, seed: &str, nth: u32) -> Duration {
    let range = (span.max - span.min).num_milliseconds().max(0) as u64;
    let offset = hash(seed, u64::from(nth)) % (range + 1);
    span.min + Duration::milliseconds(offset as i64)
}

/// splitmix64 over the seed's FNV hash and `n`: well spread, reproducible, no dependency.
fn hash(seed: &str, n: u64) -> u64 {
    let fnv = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    let mut z = fnv ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_760_000_000, 0).single().expect("valid") + Duration::seconds(seconds)
    }

    #[test]
    fn a_fresh_log_lets_the_first_call_go_at_once() {
        let policy = PacePreset::Standard.policy();
        let slot = PaceLog::default().slot(&policy, Lane::Messaging, 0, "run", at(0));
        assert_eq!(slot, Slot::Now);
    }

    #[test]
    fn gaps_stay_within_the_presets_span() {
        let policy = PacePreset::Standard.policy();
        let mut log = PaceLog::default();
        log.record(&policy, Lane::Messaging, at(0));
        for nth in policy.burst_calls..policy.burst_calls + 200 {
            let Slot::At(next) = log.slot(&policy, Lane::Messaging, nth, "run", at(0)) else {
                panic!("a call right after another must wait");
            };
            let gap = next - at(0);
            assert!(gap >= policy.gap.min, "{gap:?}");
            assert!(gap <= policy.gap.max + policy.rest.max, "{gap:?}");
        }
    }

    #[test]
    fn a_spent_hourly_budget_frees_when_its_oldest_call_ages_out() {
        let policy = PacePreset::Standard.policy();
        let mut log = PaceLog::default();
        for n in 0..120 {
            log.record(&policy, Lane::Messaging, at(n * 10));
        }
        let slot = log.slot(&policy, Lane::Messaging, 500, "run", at(1_200));
        assert_eq!(slot, Slot::Spent { until: at(3_600) });
        let later = log.slot(&policy, Lane::Messaging, 500, "run", at(3_601));
        assert_eq!(later, Slot::Now);
    }

    #[test]
    fn profile_lookups_have_their_own_smaller_budget() {
        let policy = PacePreset::Standard.policy();
        let mut log = PaceLog::default();
        for n in 0..15 {
            log.record(&policy, Lane::Profile, at(n * 200));
        }
        let now = at(3_000);
        assert!(matches!(
            log.slot(&policy, Lane::Profile, 50, "run", now),
            Slot::Spent { .. }
        ));
        assert_eq!(
            log.slot(&policy, Lane::Messaging, 50, "run", now),
            Slot::Now
        );
    }

    #[test]
    fn pushback_slows_a_faster_preset_to_careful_for_a_while() {
        let mut log = PaceLog::default();
        log.slow_down(at(100));
        assert_eq!(
            log.preset_in_force(PacePreset::Faster, at(50)),
            PacePreset::Careful
        );
        assert_eq!(
            log.preset_in_force(PacePreset::Faster, at(150)),
            PacePreset::Faster
        );
    }

    #[test]
    fn the_log_forgets_calls_older_than_a_day() {
        let policy = PacePreset::Standard.policy();
        let mut log = PaceLog::default();
        log.record(&policy, Lane::Messaging, at(0));
        log.record(&policy, Lane::Messaging, at(86_401));
        assert_eq!(log.calls.len(), 1);
    }
}

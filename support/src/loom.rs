//! Running a loom model with a bound that is stated, justified and checked.
//!
//! Loom explores the interleavings of a model's threads. With no bound it tries them all (within
//! its memory model, whose limits the book lists); a *preemption bound* stops it from switching
//! threads more than that many times in one execution, which keeps larger models fast but can
//! miss a bug that needs more switches. Every graded model goes through [`model`], and a bounded
//! model says in a comment why its bound is enough. `cargo lab verify` checks that claim with a
//! margin: each mutant a bounded model catches must still be caught with the bound lowered by
//! one. It asks for that through the environment variable [`BOUND_DELTA_VAR`], which only lowers
//! bounds (and which the grader never sets).

/// Lowers every model's preemption bound by its value (for `cargo lab verify`'s margin check).
pub const BOUND_DELTA_VAR: &str = "LAB_LOOM_BOUND_DELTA";

/// How far a model explores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Every interleaving: use it whenever the model finishes in seconds.
    Exhaustive,
    /// At most this many preemptions per execution.
    Preemptions(usize),
}

/// Checks `f` under loom with `bound`.
pub fn model<F>(bound: Bound, f: F)
where
    F: Fn() + Sync + Send + 'static,
{
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = effective(bound);
    builder.check(f);
}

fn effective(bound: Bound) -> Option<usize> {
    let delta = std::env::var(BOUND_DELTA_VAR)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    match bound {
        Bound::Exhaustive => None,
        Bound::Preemptions(n) => Some(n.saturating_sub(delta)),
    }
}

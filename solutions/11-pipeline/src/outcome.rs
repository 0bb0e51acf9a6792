use crate::item::ItemError;
use crate::transform::TransformError;
use std::panic::{self, AssertUnwindSafe};

pub fn process(body: Result<Vec<u8>, FetchError>, transform: &Transform) -> Outcome {
    let body = body.map_err(ItemError::Fetch)?;
    // The transform only reads `body` and owns nothing else: nothing half-changed is left
    // behind for anyone to see if it panics.
    match panic::catch_unwind(AssertUnwindSafe(|| transform(&body))) {
        Ok(summary) => summary.map_err(ItemError::Transform),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ItemError::Transform(TransformError::Panicked(message)))
        }
    }
}

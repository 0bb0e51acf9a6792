// ANCHOR: shown
pub fn shown_to_readers() -> u32 {
    42
}
// ANCHOR_END: shown

pub fn hidden_from_readers() {}

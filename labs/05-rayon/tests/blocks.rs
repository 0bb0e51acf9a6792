//! Exercise 5.4: `map_blocks` and `block_checksums`.

mod common;

use std::panic;

use common::{Meeting, test_pool};
use lab_rayon::blocks::{adler32, block_checksums, map_blocks};

#[test]
fn map_blocks_returns_one_result_per_block_in_order() {
    let data: Vec<u32> = (0..10).collect();
    assert_eq!(
        map_blocks(&data, 4, |block| block.to_vec()),
        vec![vec![0, 1, 2, 3], vec![4, 5, 6, 7], vec![8, 9]],
        "10 items in blocks of 4: two full blocks, then a last block of 2, in order"
    );
    assert_eq!(
        map_blocks(&data, 1, |block| block[0]),
        data,
        "blocks of 1: one result per item, in order"
    );
    assert_eq!(
        map_blocks(&data, 10, <[u32]>::len),
        vec![10],
        "a block as long as the data"
    );
    assert_eq!(
        map_blocks(&data, 64, <[u32]>::len),
        vec![10],
        "a block longer than the data: one short block"
    );
    assert!(
        map_blocks(&[] as &[u32], 4, <[u32]>::len).is_empty(),
        "no data: no blocks"
    );

    let zero = panic::catch_unwind(|| map_blocks(&data, 0, <[u32]>::len));
    assert!(zero.is_err(), "a block length of 0 must panic");
}

#[test]
fn block_checksums_cover_every_byte_including_a_short_last_block() {
    assert_eq!(
        block_checksums(b"Wikipedia", 64),
        vec![0x11e6_0398],
        "the Adler-32 of \"Wikipedia\" is 0x11E60398"
    );
    let data: Vec<u8> = (0..=255).cycle().take(50).collect();
    for len in 0..=data.len() {
        for block_len in 1..=9 {
            let expected: Vec<u32> = data[..len].chunks(block_len).map(adler32).collect();
            assert_eq!(
                block_checksums(&data[..len], block_len),
                expected,
                "{len} bytes in blocks of {block_len}: one checksum per block, the last block \
                 may be shorter"
            );
        }
    }
}

#[test]
fn map_blocks_runs_blocks_on_more_than_one_thread() {
    const THREADS: usize = 2;
    let data: Vec<u64> = (0..64).collect();
    let meeting = Meeting::new(THREADS);

    let firsts = test_pool(THREADS).install(|| {
        map_blocks(&data, 4, |block| {
            meeting.arrive_or_panic("map_blocks");
            block[0]
        })
    });

    let expected: Vec<u64> = (0..16).map(|i| i * 4).collect();
    assert_eq!(
        firsts, expected,
        "the first item of every block of 4, in order"
    );
    let indices = meeting.rayon_indices();
    assert!(
        indices.len() >= 2,
        "the blocks ran on the rayon threads {indices:?} only; expected both threads of the \
         pool"
    );
}

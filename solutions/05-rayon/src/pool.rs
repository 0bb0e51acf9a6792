use rayon::ThreadPoolBuilder;

pub fn in_pool<R, OP>(threads: NonZeroUsize, op: OP) -> Result<R, ThreadPoolBuildError>
where
    R: Send,
    OP: FnOnce() -> R + Send,
{
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .thread_name(|index| format!("{THREAD_NAME_PREFIX}{index}"))
        .build()?;
    Ok(pool.install(op))
}

use std::thread;

impl Executor {
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let slot = Arc::new(Mutex::new(JoinSlot {
            output: None,
            waiter: None,
        }));
        let task_slot = Arc::clone(&slot);
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(async move {
                let output = future.await;
                let waiter = {
                    let mut slot = lock(&task_slot);
                    slot.output = Some(output);
                    slot.waiter.take()
                };
                if let Some(waiter) = waiter {
                    waiter.wake();
                }
            }))),
            queued: Mutex::new(false),
            executor: Arc::clone(&self.shared),
        });
        lock(&self.shared.state).live += 1;
        task.wake();
        JoinHandle { slot }
    }

    pub fn run_until_idle(&self) {
        loop {
            let Some(task) = lock(&self.shared.state).ready.pop_front() else {
                return;
            };
            // Out of the queue *before* the poll: a wake during the poll queues the task again.
            *lock(&task.queued) = false;
            let mut future = lock(&task.future);
            let Some(running) = future.as_mut() else {
                continue; // finished already: a late wake
            };
            let waker = Waker::from(Arc::clone(&task));
            let mut cx = Context::from_waker(&waker);
            if running.as_mut().poll(&mut cx).is_ready() {
                // Drop the finished future now, not when the last waker of the task goes.
                *future = None;
                lock(&self.shared.state).live -= 1;
            }
        }
    }

    pub fn run(&self) {
        lock(&self.shared.state).runner = Some(thread::current());
        loop {
            self.run_until_idle();
            let due = {
                let mut state = lock(&self.shared.state);
                if !state.ready.is_empty() {
                    continue; // woken from another thread since `run_until_idle` returned
                }
                if state.live == 0 {
                    state.runner = None;
                    return;
                }
                let now = Instant::now();
                let mut due = Vec::new();
                while let Some(timer) = state.timers.first_entry() {
                    if timer.key().0 > now {
                        break;
                    }
                    due.push(timer.remove());
                }
                if due.is_empty() {
                    let next = state.timers.keys().next().map(|&(deadline, _)| deadline);
                    drop(state);
                    // A wake from another thread after the unlock leaves a token: `park`
                    // returns at once.
                    match next {
                        Some(deadline) => thread::park_timeout(deadline - now),
                        None => thread::park(),
                    }
                    continue;
                }
                due
            };
            // Earliest deadline first: the tasks are queued in that order.
            for waker in due {
                waker.wake();
            }
        }
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        {
            let mut queued = lock(&self.queued);
            if *queued {
                return;
            }
            *queued = true;
        }
        let runner = {
            let mut state = lock(&self.executor.state);
            state.ready.push_back(Arc::clone(&self));
            state.runner.clone()
        };
        if let Some(runner) = runner {
            runner.unpark();
        }
    }
}

impl<T> Future for JoinHandle<T> {
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = lock(&self.slot);
        match slot.output.take() {
            Some(output) => Poll::Ready(output),
            None => {
                slot.waiter = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Future for Sleep {
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // `Sleep` is `Unpin` (no field is pinned), so a plain `&mut` to it is fine.
        let sleep = self.get_mut();
        if Instant::now() >= sleep.deadline {
            return Poll::Ready(());
        }
        let id = {
            let mut state = lock(&sleep.executor.state);
            let id = match sleep.timer {
                Some(id) => id,
                None => {
                    let id = state.next_timer;
                    state.next_timer += 1;
                    id
                }
            };
            // Inserting under an existing key replaces the waker: one entry per sleep.
            state
                .timers
                .insert((sleep.deadline, id), cx.waker().clone());
            id
        };
        sleep.timer = Some(id);
        Poll::Pending
    }
}

use std::future::poll_fn;
use std::pin::pin;
use std::task::Poll;

pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    // Pinned on this future's own "stack": it is pinned itself, so they stay put.
    let mut a = pin!(a);
    let mut b = pin!(b);
    let mut a_output = None;
    let mut b_output = None;
    poll_fn(|cx| {
        if a_output.is_none()
            && let Poll::Ready(output) = a.as_mut().poll(cx)
        {
            a_output = Some(output);
        }
        if b_output.is_none()
            && let Poll::Ready(output) = b.as_mut().poll(cx)
        {
            b_output = Some(output);
        }
        match (a_output.take(), b_output.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (a_output, b_output) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

pub async fn select<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = pin!(a);
    let mut b = pin!(b);
    poll_fn(|cx| {
        if let Poll::Ready(output) = a.as_mut().poll(cx) {
            return Poll::Ready(Either::Left(output));
        }
        if let Poll::Ready(output) = b.as_mut().poll(cx) {
            return Poll::Ready(Either::Right(output));
        }
        Poll::Pending
    })
    .await
    // Returning drops `a` and `b`: the loser is cancelled before the caller sees the winner.
}

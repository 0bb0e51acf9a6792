use crate::protocol::{LINE_TOO_LONG, Request};
use crate::room::Member;
use futures_util::{SinkExt, StreamExt};
use tokio_util::codec::{Framed, LinesCodec, LinesCodecError};

pub async fn connection<S>(stream: S, shared: Arc<Shared>, shutdown: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let codec = LinesCodec::new_with_max_length(shared.config().max_line);
    let mut lines = Framed::new(stream, codec);
    let mut member: Option<Member> = None;
    loop {
        let line = tokio::select! {
            // `Framed` keeps a partly received line in its own buffer, and `next` only borrows
            // it: dropping `next()` when another branch wins loses nothing (cancel safe).
            frame = lines.next() => match frame {
                Some(Ok(line)) => line,
                Some(Err(LinesCodecError::MaxLineLengthExceeded)) => {
                    let _ = lines.send(LINE_TOO_LONG).await;
                    return;
                }
                Some(Err(LinesCodecError::Io(_))) | None => return,
            },
            // `next_line` is cancel safe too: a message not yet received stays in the channel.
            Some(room_line) = next_room_line(&mut member) => {
                if lines.send(room_line).await.is_err() {
                    return;
                }
                continue;
            }
            () = shutdown.cancelled() => return,
        };
        // The request is read: from here on it is answered even if shutdown comes meanwhile.
        let reply = match Request::parse(&line) {
            Ok(request) => {
                if request == Request::Join && member.is_none() {
                    member = Some(shared.join());
                }
                shared.answer(&request).await
            }
            Err(error) => format!("ERR {error}"),
        };
        if lines.send(reply).await.is_err() {
            return;
        }
    }
}

/// The next line for the room's member, or never if the client has not joined.
async fn next_room_line(member: &mut Option<Member>) -> Option<String> {
    match member {
        Some(member) => member.next_line().await,
        None => std::future::pending().await,
    }
}

//! Exercise 9.11: one connection of the server — frames in, replies and room lines out, a
//! graceful shutdown, and a `select!` loop that never loses half a request.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;

use crate::state::Shared;

// ANCHOR: connection
/// Serves one client on `stream` until the client hangs up, sends a line that is too long, or
/// the server shuts down.
///
/// - **Frames**: reads request lines with tokio-util's `LinesCodec`, limited to
///   `shared.config().max_line` bytes, and writes every reply and room line as one line.
/// - **Requests**: answers each request with [`Shared::answer`] (a line that does not parse is
///   answered `ERR …` with the parser's message, see [`crate::protocol::Request::parse`]), one at
///   a time and in order. While a request is being answered, other clients are served as usual.
/// - **Too long**: a line longer than the limit is answered [`LINE_TOO_LONG`] and the connection
///   is closed, as soon as the limit is passed: without waiting for the end of the line, and
///   without holding more than about the limit in memory. Other connections are not affected.
/// - **Room**: after `JOIN`, the client is a member ([`Shared::join`]) and gets its room lines
///   ([`Member::next_line`](crate::room::Member::next_line)) as they come, while it is idle and
///   between replies, never inside one. A member that does not read its socket falls behind and
///   is told `LAGGED n`: the connection holds no more room lines for it than the room keeps, and
///   it never makes anyone else wait — neither the clients who `SAY`, nor the other members.
/// - **Shutdown**: once `shutdown` is cancelled, a request whose line has been read is still
///   answered, and its reply written; then the connection closes. An idle connection closes at
///   once.
/// - **Nothing lost**: a request line is never lost or cut, whatever else happens while it
///   arrives in pieces (room lines going out, for instance).
///
/// Returns when the connection is done; errors end the connection and are not reported.
///
/// [`LINE_TOO_LONG`]: crate::protocol::LINE_TOO_LONG
pub async fn connection<S>(stream: S, shared: Arc<Shared>, shutdown: CancellationToken)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    todo!(
        "9.11: a select! loop over frames, room lines and shutdown — see the chapter, Exercise 9.11"
    )
}
// ANCHOR_END: connection

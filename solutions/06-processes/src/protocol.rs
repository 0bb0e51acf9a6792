pub fn write_frame(mut writer: impl Write, payload: &[u8]) -> io::Result<()> {
    if payload.len() > MAX_FRAME {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            format!(
                "a frame of {} bytes is over the limit of {MAX_FRAME}",
                payload.len()
            ),
        ));
    }
    let len = u32::try_from(payload.len()).map_err(io::Error::other)?;
    writer.write_all(&len.to_be_bytes())?;
    writer.write_all(payload)
}

pub fn read_frame(mut reader: impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0_u8; 4];
    if !read_header(&mut reader, &mut header)? {
        return Ok(None);
    }
    let len = usize::try_from(u32::from_be_bytes(header)).map_err(io::Error::other)?;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {MAX_FRAME}"),
        ));
    }
    let mut payload = vec![0; len];
    reader.read_exact(&mut payload)?;
    Ok(Some(payload))
}

/// Fills `header`; `false` if the stream ended before its first byte, an
/// [`ErrorKind::UnexpectedEof`] error if it ended after that.
fn read_header(mut reader: impl Read, header: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < header.len() {
        match reader.read(&mut header[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "the stream ended inside a frame's length",
                ));
            }
            Ok(n) => filled += n,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(true)
}

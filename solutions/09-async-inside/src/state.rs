use crate::lock;

impl Shared {
    pub fn execute(&self, request: &Request) -> String {
        match request {
            Request::Ping => "PONG".to_owned(),
            Request::Get { key } => {
                // The guard is a temporary: it is dropped at the end of this statement.
                let value = lock(&self.db).get(key).cloned();
                match value {
                    Some(value) => format!("VALUE {value}"),
                    None => "NONE".to_owned(),
                }
            }
            Request::Set { key, value } => {
                lock(&self.db).insert(key.clone(), value.clone());
                "OK".to_owned()
            }
            Request::Join => "OK".to_owned(),
            Request::Say { text } => {
                // `send` never waits: a slow member lags instead. It fails only when nobody
                // is in the room.
                let members = self.room.send(Arc::from(text.as_str())).unwrap_or(0);
                format!("OK {members}")
            }
        }
    }
}

//! The development mailbox: with no SMTP server configured, each message is written
//! as one JSON file, and `/dev/mailbox` lists and shows them.

use std::path::Path;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::Email;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stored {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
    pub from: String,
    #[serde(flatten)]
    pub email: Email,
}

pub async fn write(dir: &Path, from: &str, email: &Email) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let stored = Stored {
        id: Uuid::new_v4(),
        sent_at: OffsetDateTime::now_utc(),
        from: from.to_owned(),
        email: email.clone(),
    };
    let json = serde_json::to_vec_pretty(&stored)?;
    // Written under a temporary name and renamed, so a reader never sees half a file.
    let tmp = dir.join(format!(".{}.tmp", stored.id));
    tokio::fs::write(&tmp, json).await?;
    tokio::fs::rename(&tmp, dir.join(format!("{}.json", stored.id))).await
}

/// Every stored message, newest first.
pub async fn list(dir: &Path) -> std::io::Result<Vec<Stored>> {
    let mut out = Vec::new();
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    while let Some(entry) = entries.next_entry().await? {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json")
            && let Ok(stored) = serde_json::from_slice(&tokio::fs::read(&path).await?)
        {
            out.push(stored);
        }
    }
    out.sort_by_key(|s: &Stored| std::cmp::Reverse(s.sent_at));
    Ok(out)
}

/// One message by id (ids are uuids, so no path can be smuggled in).
pub async fn get(dir: &Path, id: Uuid) -> std::io::Result<Option<Stored>> {
    match tokio::fs::read(dir.join(format!("{id}.json"))).await {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

//! Verifying the audit log's hash chain (see migrations/platform/0007_audit_chain.sql:
//! each record's hash covers its content and the previous record's hash).

use sqlx::PgPool;

/// The first record that breaks the chain, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// The record's content no longer matches its hash (edited).
    Altered { chain_seq: i64, id: i64 },
    /// The record does not follow the one before it (a record was removed or moved).
    Gap { chain_seq: i64, id: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub records: i64,
    pub broken: Option<Broken>,
}

/// Walks the whole chain in the order it was written.
pub async fn verify(pool: &PgPool) -> Result<Verified, sqlx::Error> {
    let rows: Vec<(i64, i64, bool, bool)> = sqlx::query_as(
        "SELECT id, chain_seq,
                hash = sha256(prev_hash || convert_to(public.audit_record_text(a), 'UTF8')) AS intact,
                prev_hash = coalesce(lag(hash) OVER (ORDER BY chain_seq), '\\x'::bytea)
                  AND chain_seq = coalesce(lag(chain_seq) OVER (ORDER BY chain_seq), 0) + 1 AS linked
           FROM public.audit_log a
          ORDER BY chain_seq",
    )
    .fetch_all(pool)
    .await?;
    let broken = rows.iter().find_map(|(id, seq, intact, linked)| {
        if !intact {
            Some(Broken::Altered {
                chain_seq: *seq,
                id: *id,
            })
        } else if !linked {
            Some(Broken::Gap {
                chain_seq: *seq,
                id: *id,
            })
        } else {
            None
        }
    });
    Ok(Verified {
        records: rows.len() as i64,
        broken,
    })
}

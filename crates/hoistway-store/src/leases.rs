//! Named leases: which node runs a periodic job now. A lease is taken when
//! it is free or expired and held until its expiry; with several nodes on one
//! database exactly one of them gets it.

use crate::error::Result;
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Duration, Utc};

/// Takes lease `name` for `holder` until `now + ttl` if it is free, expired
/// or already `holder`'s. Returns whether `holder` holds it now.
pub async fn try_acquire(
    db: &Db,
    name: &str,
    holder: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<bool> {
    let mut sql = Sql::new("INSERT INTO job_leases (name, holder, until) VALUES (");
    sql.bind(name.to_string())
        .push(", ")
        .bind(holder.to_string())
        .push(", ")
        .bind((now + ttl).timestamp_millis())
        .push(") ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until WHERE job_leases.until < ")
        .bind(now.timestamp_millis())
        .push(" OR job_leases.holder = excluded.holder");
    Ok(sql.execute(&db.pool).await?.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use chrono::TimeZone;

    #[tokio::test]
    async fn one_holder_at_a_time_until_expiry() {
        for t in TestDb::all().await {
            let now = Utc.with_ymd_and_hms(2026, 11, 23, 2, 0, 0).unwrap();
            let hour = Duration::hours(1);
            assert!(try_acquire(&t.db, "job", "a", now, hour).await.unwrap());
            assert!(!try_acquire(&t.db, "job", "b", now, hour).await.unwrap());
            assert!(
                try_acquire(&t.db, "job", "a", now, hour).await.unwrap(),
                "renewal"
            );
            let later = now + Duration::minutes(61);
            assert!(try_acquire(&t.db, "job", "b", later, hour).await.unwrap());
            assert!(!try_acquire(&t.db, "job", "a", later, hour).await.unwrap());
            assert!(try_acquire(&t.db, "other", "a", later, hour).await.unwrap());
            t.cleanup().await;
        }
    }
}

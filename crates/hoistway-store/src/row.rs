//! Reading typed values out of an `AnyRow` with the storage conventions
//! (millisecond instants, 0/1 booleans).

use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

pub(crate) trait RowExt {
    fn int(&self, col: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error>;
    fn text(&self, col: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error>;
    fn opt_float(&self, col: &str) -> Result<Option<f64>, sqlx::Error>;
    fn instant(&self, col: &str) -> Result<DateTime<Utc>, sqlx::Error>;
}

impl RowExt for AnyRow {
    fn int(&self, col: &str) -> Result<i64, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(col)
    }
    fn text(&self, col: &str) -> Result<String, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(col)
    }
    fn opt_float(&self, col: &str) -> Result<Option<f64>, sqlx::Error> {
        self.try_get(col)
    }
    fn instant(&self, col: &str) -> Result<DateTime<Utc>, sqlx::Error> {
        Ok(from_millis(self.int(col)?))
    }
}

pub(crate) fn from_millis(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

//! The storage error: what went wrong, in terms the API layer can map.

use hoistway_domain::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist, or is outside the caller's scope (the two are
    /// deliberately the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness or state conflict the caller can resolve.
    #[error("{0}")]
    Conflict(String),
    /// Input refused by a domain rule.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Anything the database said that is not the caller's fault.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Maps a unique-constraint violation to a conflict with `message`,
    /// leaving every other error as it is.
    pub fn unique_as_conflict(err: sqlx::Error, message: impl Into<String>) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(message.into())
            }
            _ => StoreError::Db(err),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

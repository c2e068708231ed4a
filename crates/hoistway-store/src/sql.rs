//! A query builder that writes `$1..$n` placeholders, which both SQLite and
//! PostgreSQL accept, so dynamic filters stay portable.

use sqlx::any::{AnyArguments, AnyQueryResult, AnyRow};
use sqlx::{Any, Arguments, Encode, Executor, Type};
use std::fmt::Write;

pub struct Sql {
    text: String,
    args: AnyArguments<'static>,
    count: usize,
    bind_error: Option<String>,
    /// Write `?` instead of `$n` (SQLite only; see [`Sql::for_backend`]).
    anonymous: bool,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_string(),
            args: AnyArguments::default(),
            count: 0,
            bind_error: None,
            anonymous: false,
        }
    }

    /// Like [`Sql::new`], but on SQLite placeholders are plain `?`.
    ///
    /// For statements with many parameters (multi-row inserts): SQLite
    /// resolves each *numbered* parameter with a linear scan of the
    /// statement's parameter names, so binding n of them costs O(n²); plain
    /// `?` parameters have no names and bind in O(1). Only valid when every
    /// placeholder comes from [`Sql::bind`], in order.
    pub fn for_backend(backend: crate::Backend, text: &str) -> Self {
        let mut sql = Self::new(text);
        sql.anonymous = backend == crate::Backend::Sqlite;
        sql
    }

    /// Appends SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind<T>(&mut self, value: T) -> &mut Self
    where
        T: for<'q> Encode<'q, Any> + Type<Any> + 'static,
    {
        self.placeholder();
        let added = self.args.add(value);
        self.note(added)
    }

    /// Appends a placeholder bound to a `LIKE` pattern made by
    /// [`crate::page::like_pattern`], with its escape character, so `%`
    /// and `_` a user typed match themselves on both backends.
    pub fn bind_like(&mut self, pattern: String) -> &mut Self {
        self.bind(pattern).push(" ESCAPE '\\'")
    }

    /// Appends a placeholder bound to a `'static` string without copying it
    /// (`bind` takes owned values, which the `Any` driver clones once more).
    pub fn bind_static(&mut self, value: &'static str) -> &mut Self {
        self.placeholder();
        let added = self.args.add(value);
        self.note(added)
    }

    fn placeholder(&mut self) {
        self.count += 1;
        if self.anonymous {
            self.text.push('?');
        } else {
            let _ = write!(self.text, "${}", self.count);
        }
    }

    /// Keeps the first bind error; the statement reports it when run.
    fn note(&mut self, added: Result<(), sqlx::error::BoxDynError>) -> &mut Self {
        if let Err(e) = added {
            self.bind_error.get_or_insert(e.to_string());
        }
        self
    }

    /// Appends an optional float: a placeholder for `Some`, the literal
    /// `NULL` for `None`.
    ///
    /// Works around sqlx 0.8's `Any` driver on PostgreSQL, which declares a
    /// NULL `f64` parameter as `float4` (its `Real`/`Double` null mapping is
    /// swapped): a statement first prepared with a NULL there then refuses
    /// every later 8-byte value ("incorrect binary data format").
    pub fn bind_opt_f64(&mut self, value: Option<f64>) -> &mut Self {
        match value {
            Some(v) => self.bind(v),
            None => self.push("NULL"),
        }
    }

    /// Appends `(p1, p2, ...)` for a non-empty list, or `(NULL)` (which
    /// matches nothing) for an empty one.
    pub fn bind_list(&mut self, values: &[i64]) -> &mut Self {
        if values.is_empty() {
            return self.push("(NULL)");
        }
        self.push("(");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(*v);
        }
        self.push(")")
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    fn checked(self) -> Result<(String, AnyArguments<'static>), sqlx::Error> {
        match self.bind_error {
            Some(e) => Err(sqlx::Error::Encode(e.into())),
            None => Ok((self.text, self.args)),
        }
    }

    pub async fn fetch_all<'e, E: Executor<'e, Database = Any>>(
        self,
        ex: E,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let (text, args) = self.checked()?;
        sqlx::query_with(&text, args).fetch_all(ex).await
    }

    pub async fn fetch_optional<'e, E: Executor<'e, Database = Any>>(
        self,
        ex: E,
    ) -> Result<Option<AnyRow>, sqlx::Error> {
        let (text, args) = self.checked()?;
        sqlx::query_with(&text, args).fetch_optional(ex).await
    }

    pub async fn fetch_one<'e, E: Executor<'e, Database = Any>>(
        self,
        ex: E,
    ) -> Result<AnyRow, sqlx::Error> {
        let (text, args) = self.checked()?;
        sqlx::query_with(&text, args).fetch_one(ex).await
    }

    pub async fn execute<'e, E: Executor<'e, Database = Any>>(
        self,
        ex: E,
    ) -> Result<AnyQueryResult, sqlx::Error> {
        let (text, args) = self.checked()?;
        sqlx::query_with(&text, args).execute(ex).await
    }
}

//! Cursor pagination and the filters lists accept.
//!
//! A cursor is the id of the last row of the previous page; rows come in id
//! order, so a page never repeats or skips a row that existed when the first
//! page was read, however many rows are added meanwhile.

use crate::sql::Sql;
use serde::{Deserialize, Serialize};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// One page of a list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Query parameters of every list endpoint. Each entity applies the filters
/// that mean something for it and refuses the others.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListFilter {
    /// Id of the last item of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    pub customer_id: Option<i64>,
    pub portfolio_id: Option<i64>,
    pub building_id: Option<i64>,
    pub contract_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// ISO 3166-1 alpha-2 country of the building.
    pub country: Option<String>,
    /// Unit kind: elevator, escalator or door.
    pub kind: Option<String>,
    /// Invoice status: issued, paid, unpaid or overdue.
    pub status: Option<String>,
    /// User role.
    pub role: Option<String>,
    /// Free-text search over names, numbers and addresses.
    pub q: Option<String>,
}

/// Names of the filters set in `f`, for refusing ones an entity ignores.
impl ListFilter {
    /// No filters, at most `limit` rows: what start-up and demo code that
    /// walks everything asks for.
    pub fn limited(limit: i64) -> Self {
        Self {
            limit: Some(limit),
            ..Default::default()
        }
    }

    pub fn set_filters(&self) -> Vec<&'static str> {
        let mut set = Vec::new();
        macro_rules! check {
            ($($f:ident),*) => { $( if self.$f.is_some() { set.push(stringify!($f)); } )* };
        }
        check!(
            customer_id,
            portfolio_id,
            building_id,
            contract_id,
            unit_id,
            country,
            kind,
            status,
            role,
            q
        );
        set
    }

    /// Refuses filters outside `allowed`, naming them.
    pub fn only(
        &self,
        entity: &'static str,
        allowed: &[&str],
    ) -> Result<(), hoistway_domain::Invalid> {
        let extra: Vec<&str> = self
            .set_filters()
            .into_iter()
            .filter(|f| !allowed.contains(f))
            .collect();
        if extra.is_empty() {
            Ok(())
        } else {
            Err(hoistway_domain::Invalid::new(
                "filter",
                format!(
                    "{} cannot be filtered by {}; allowed filters: {}",
                    entity,
                    extra.join(", "),
                    allowed.join(", ")
                ),
            ))
        }
    }

    pub fn limit(&self) -> Result<i64, hoistway_domain::Invalid> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(hoistway_domain::Invalid::new(
                "limit",
                format!("must be 1 to {MAX_LIMIT}"),
            )),
        }
    }

    pub fn after_id(&self) -> Result<i64, hoistway_domain::Invalid> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(0),
            Some(c) => c.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                hoistway_domain::Invalid::new("cursor", "is not a cursor this server issued")
            }),
        }
    }

    /// The search text as a `LIKE` pattern on lower-cased columns.
    pub fn like(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(like_pattern)
    }
}

/// A lower-cased "contains" `LIKE` pattern for `text`, its `%`, `_` and
/// `\\` escaped so they match literally (bind it with [`crate::sql::Sql::bind_like`]).
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Appends `AND alias.id > cursor ORDER BY alias.id LIMIT n+1` to `sql`.
pub(crate) fn finish(
    sql: &mut Sql,
    alias: &str,
    f: &ListFilter,
) -> Result<i64, hoistway_domain::Invalid> {
    let limit = f.limit()?;
    sql.push(&format!(" AND {alias}.id > ")).bind(f.after_id()?);
    sql.push(&format!(" ORDER BY {alias}.id LIMIT "))
        .bind(limit + 1);
    Ok(limit)
}

/// Cuts the extra row fetched to learn whether a next page exists.
pub(crate) fn paginate<T>(mut items: Vec<T>, limit: i64, id_of: impl Fn(&T) -> i64) -> Page<T> {
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(|t| id_of(t).to_string())
    } else {
        None
    };
    Page { items, next_cursor }
}

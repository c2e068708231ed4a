//! Offers (issue #20, seed 000 "request an offer"): a customer asks for a
//! modernization, repair or door upgrade offer for a building or one of its
//! units; the care center answers with a quote; the customer accepts or
//! declines it while it is valid. Each step is audited and tells the other
//! side (notification event `offer_updated`).
//!
//! `requested → quoted → accepted | declined`; a requested offer can also be
//! declined by the care center (it will not quote), and a quoted one quoted
//! again (a new amount replaces the old, while undecided).

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::notifications::{self, Audience, Notice};
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::{from_millis, RowExt};
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{buildings, units, Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_desk::Event;
use hoistway_domain::text::{optional_text, parse_date, required_text};
use hoistway_domain::{Invalid, Role, Scope};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// What an offer is for.
pub const KINDS: [&str; 4] = ["modernization", "repair", "door_upgrade", "other"];

/// One offer as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Offer {
    pub id: i64,
    pub customer_id: i64,
    pub building_id: i64,
    pub unit_id: Option<i64>,
    /// `modernization`, `repair`, `door_upgrade` or `other`.
    pub kind: String,
    pub description: String,
    pub requested_by: Option<i64>,
    /// `requested`, `quoted`, `accepted` or `declined`.
    pub status: String,
    /// The quoted price in cents of `currency`.
    pub quote_cents: Option<i64>,
    pub currency: Option<String>,
    pub quote_text: Option<String>,
    /// Last day the quote may be accepted (YYYY-MM-DD).
    pub valid_until: Option<String>,
    pub quoted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decline_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A customer's request.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    pub building_id: i64,
    /// A unit of that building, when the offer is for one unit.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// One of [`KINDS`].
    pub kind: String,
    /// What is wanted, in the customer's words.
    pub description: String,
}

/// The care center's quote.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// The price in cents (positive).
    pub amount_cents: i64,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// What the price covers.
    pub text: String,
    /// Last day it may be accepted, YYYY-MM-DD (today or later).
    pub valid_until: String,
}

/// A decision, or the care center's refusal to quote.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineInput {
    #[serde(default)]
    pub reason: Option<String>,
}

fn from_row(r: &AnyRow) -> Result<Offer> {
    Ok(Offer {
        id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        unit_id: r.opt_int("unit_id")?,
        kind: r.text("kind")?,
        description: r.text("description")?,
        requested_by: r.opt_int("requested_by")?,
        status: r.text("status")?,
        quote_cents: r.opt_int("quote_cents")?,
        currency: r.opt_text("currency")?,
        quote_text: r.opt_text("quote_text")?,
        valid_until: r.opt_text("valid_until")?,
        quoted_at: r.opt_int("quoted_at")?.map(from_millis),
        decided_at: r.opt_int("decided_at")?.map(from_millis),
        decline_reason: r.opt_text("decline_reason")?,
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

async fn fetch(tx: &mut Tx<'_>, scope: &Scope, id: i64) -> Result<Offer> {
    let mut sql = Sql::new("SELECT * FROM offers o WHERE o.id = ");
    sql.bind(id);
    restrict(&mut sql, scope, "o", Shape::InBuilding);
    let row = sql
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("offer"))?;
    from_row(&row)
}

pub async fn get(db: &Db, scope: &Scope, id: i64) -> Result<Offer> {
    let mut tx = db.begin().await?;
    fetch(&mut tx, scope, id).await
}

/// Offers the caller can see, newest first; `status` and `building_id`
/// filter.
pub async fn list(db: &Db, scope: &Scope, f: &ListFilter) -> Result<Page<Offer>> {
    f.only(
        "offers",
        &["customer_id", "building_id", "unit_id", "status"],
    )?;
    let mut sql = Sql::new("SELECT * FROM offers o WHERE 1=1");
    restrict(&mut sql, scope, "o", Shape::InBuilding);
    if let Some(c) = f.customer_id {
        sql.push(" AND o.customer_id = ").bind(c);
    }
    if let Some(b) = f.building_id {
        sql.push(" AND o.building_id = ").bind(b);
    }
    if let Some(u) = f.unit_id {
        sql.push(" AND o.unit_id = ").bind(u);
    }
    if let Some(s) = &f.status {
        if !["requested", "quoted", "accepted", "declined"].contains(&s.as_str()) {
            return Err(
                Invalid::new("status", "must be requested, quoted, accepted or declined").into(),
            );
        }
        sql.push(" AND o.status = ").bind(s.clone());
    }
    let limit = finish(&mut sql, "o", f)?;
    let rows = sql.fetch_all(&db.pool).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(paginate(items, limit, |o| o.id))
}

/// The words of a kind in notices.
fn kind_words(kind: &str) -> &'static str {
    match kind {
        "modernization" => "modernization",
        "repair" => "repair",
        "door_upgrade" => "door upgrade",
        _ => "work",
    }
}

/// Tells `roles` of the offer's customer (and the provider's staff among
/// them) that the offer moved.
async fn tell(
    tx: &mut Tx<'_>,
    at: DateTime<Utc>,
    o: &Offer,
    roles: &'static [Role],
    subject: String,
    body: String,
) -> Result<()> {
    notifications::enqueue(
        tx,
        at,
        Notice {
            event: Event::OfferUpdated,
            key: format!(
                "offer:{}:{}:{}",
                o.id,
                o.status,
                o.updated_at.timestamp_millis()
            ),
            case_id: None,
            invoice_id: None,
            customer_id: Some(o.customer_id),
            subject,
            body,
            audience: Audience::Roles {
                roles,
                customer_id: o.customer_id,
                building_id: o.building_id,
            },
        },
    )
    .await?;
    Ok(())
}

const CARE_CENTER: &[Role] = &[Role::ProviderAdmin, Role::Operator, Role::DutyManager];
const OWNERS: &[Role] = &[Role::CustomerAdmin, Role::PropertyManager];

/// A customer asks for an offer.
pub async fn request(db: &Db, scope: &Scope, actor: Actor, input: OfferRequest) -> Result<Offer> {
    if !KINDS.contains(&input.kind.as_str()) {
        return Err(Invalid::new("kind", format!("must be one of {}", KINDS.join(", "))).into());
    }
    let description = required_text("description", &input.description, 4000)?;
    let building = buildings::get(db, scope, input.building_id)
        .await
        .map_err(|e| match e {
            StoreError::NotFound(_) => Invalid::new("building_id", "no such building").into(),
            other => other,
        })?;
    if let Some(u) = input.unit_id {
        let unit = units::get(db, scope, u).await.ok();
        if unit.is_none_or(|unit| unit.building_id != building.id) {
            return Err(Invalid::new("unit_id", "not a unit of that building").into());
        }
    }
    let now = actor.at.timestamp_millis();
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("INSERT INTO offers (customer_id, building_id, unit_id, kind, description, requested_by, status, created_at, updated_at) VALUES (");
    sql.bind(building.customer_id)
        .push(", ")
        .bind(building.id)
        .push(", ")
        .bind(input.unit_id)
        .push(", ")
        .bind(input.kind.clone())
        .push(", ")
        .bind(description)
        .push(", ")
        .bind(actor.user_id)
        .push(", 'requested', ")
        .bind(now)
        .push(", ")
        .bind(now)
        .push(") RETURNING id");
    let id = sql.fetch_one(&mut *tx).await?.int("id")?;
    let offer = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(offer.customer_id),
        "offer",
        id,
        "request",
        None::<&()>,
        Some(&offer),
    )
    .await?;
    tell(
        &mut tx,
        actor.at,
        &offer,
        CARE_CENTER,
        format!(
            "Offer requested: {} · {}",
            kind_words(&offer.kind),
            building.name
        ),
        format!(
            "{} asks for a {} offer:\n\n{}",
            building.name,
            kind_words(&offer.kind),
            offer.description
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(offer)
}

/// The care center quotes (or quotes again while undecided).
pub async fn quote(db: &Db, actor: Actor, id: i64, q: QuoteInput) -> Result<Offer> {
    if q.amount_cents <= 0 {
        return Err(Invalid::new("amount_cents", "must be positive").into());
    }
    let currency = q.currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Invalid::new("currency", "an ISO 4217 code such as EUR").into());
    }
    let text = required_text("text", &q.text, 8000)?;
    let valid_until: NaiveDate = parse_date("valid_until", &q.valid_until)?;
    if valid_until < actor.at.date_naive() {
        return Err(Invalid::new("valid_until", "must be today or later").into());
    }
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, &Scope::All, id).await?;
    if !matches!(before.status.as_str(), "requested" | "quoted") {
        return Err(StoreError::Conflict(format!(
            "offer {id} is already {}",
            before.status
        )));
    }
    let mut sql = Sql::new("UPDATE offers SET status = 'quoted', quote_cents = ");
    sql.bind(q.amount_cents)
        .push(", currency = ")
        .bind(currency)
        .push(", quote_text = ")
        .bind(text)
        .push(", valid_until = ")
        .bind(valid_until.to_string())
        .push(", quoted_by = ")
        .bind(actor.user_id)
        .push(", quoted_at = ")
        .bind(actor.at.timestamp_millis())
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "offer",
        id,
        "quote",
        Some(&before),
        Some(&after),
    )
    .await?;
    tell(
        &mut tx,
        actor.at,
        &after,
        OWNERS,
        format!("Your {} offer is ready", kind_words(&after.kind)),
        format!(
            "The quote for your {} request is {:.2} {}, valid until {}.\n\n{}",
            kind_words(&after.kind),
            q.amount_cents as f64 / 100.0,
            after.currency.clone().unwrap_or_default(),
            valid_until,
            after.quote_text.clone().unwrap_or_default()
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The customer accepts a valid quote, or declines it; the care center
/// may decline a request it will not quote.
pub async fn decide(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    id: i64,
    accept: bool,
    input: DeclineInput,
) -> Result<Offer> {
    let reason = optional_text("reason", input.reason.as_deref(), 2000)?;
    let mut tx = db.begin().await?;
    let before = fetch(&mut tx, scope, id).await?;
    let by_customer = scope.customer_id().is_some();
    match (before.status.as_str(), accept) {
        ("quoted", _) => {}
        ("requested", false) if !by_customer => {}
        ("requested", _) => {
            return Err(StoreError::Conflict(format!("offer {id} has no quote yet")));
        }
        (other, _) => {
            return Err(StoreError::Conflict(format!(
                "offer {id} is already {other}"
            )))
        }
    }
    if accept {
        let expired = before
            .valid_until
            .as_deref()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .is_some_and(|d| d < actor.at.date_naive());
        if expired {
            return Err(StoreError::Conflict(format!(
                "the quote of offer {id} expired on {}; ask for a new one",
                before.valid_until.clone().unwrap_or_default()
            )));
        }
    }
    let status = if accept { "accepted" } else { "declined" };
    let mut sql = Sql::new("UPDATE offers SET status = ");
    sql.bind(status.to_string())
        .push(", decided_by = ")
        .bind(actor.user_id)
        .push(", decided_at = ")
        .bind(actor.at.timestamp_millis())
        .push(", decline_reason = ")
        .bind(reason)
        .push(", updated_at = ")
        .bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(id);
    sql.execute(&mut *tx).await?;
    let after = fetch(&mut tx, &Scope::All, id).await?;
    audit::record(
        &mut tx,
        actor,
        Some(after.customer_id),
        "offer",
        id,
        status,
        Some(&before),
        Some(&after),
    )
    .await?;
    let (roles, subject) = if by_customer {
        (
            CARE_CENTER,
            format!("Offer {status}: {} (offer {id})", kind_words(&after.kind)),
        )
    } else {
        (
            OWNERS,
            format!("We cannot quote your {} request", kind_words(&after.kind)),
        )
    };
    let body = after.decline_reason.clone().unwrap_or_default();
    tell(&mut tx, actor.at, &after, roles, subject, body).await?;
    tx.commit().await?;
    Ok(after)
}

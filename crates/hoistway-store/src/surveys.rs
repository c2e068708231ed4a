//! Satisfaction surveys (issue #20, seed 002): after a case is closed, the
//! user who reported it is asked once, by e-mail with a one-time link,
//! how satisfied they are, but only if they consented to surveys and have
//! not objected to analytics. Only the link's hash is stored; the answer
//! (a 1–5 rating, whether the problem was solved, a comment) is kept with
//! the case and summed up in reports.

use crate::audit::{self, Actor};
use crate::error::{Result, StoreError};
use crate::notifications::{enqueue_letter, Letter};
use crate::row::{from_millis, RowExt};
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::Db;
use chrono::{DateTime, Duration, Utc};
use hoistway_domain::text::optional_text;
use hoistway_domain::{Invalid, Scope};
use serde::{Deserialize, Serialize};

/// How long a survey link works.
pub const VALID_DAYS: i64 = 30;

/// What the answer page shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyView {
    pub case_number: String,
    /// The unit and building, as people name them.
    pub place: String,
    pub symptoms: String,
    pub answered: bool,
    pub expires_at: DateTime<Utc>,
}

/// An answer.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub rating: i64,
    /// Whether the problem was solved.
    #[serde(default)]
    pub solved: Option<bool>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Surveys of a period, summed up.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub sent: i64,
    pub answered: i64,
    /// Answered of sent, percent.
    pub response_rate_pct: Option<f64>,
    pub mean_rating: Option<f64>,
    /// Answers per rating, 1 to 5.
    pub ratings: [i64; 5],
    /// "Solved" of the answers that said, percent.
    pub solved_pct: Option<f64>,
    /// The latest comments, newest first (at most 20).
    pub comments: Vec<SurveyComment>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SurveyComment {
    pub case_number: String,
    pub rating: i64,
    pub comment: String,
    pub answered_at: DateTime<Utc>,
}

/// After case `case_id` closed: asks its reporter, if they consented and
/// did not object to analytics and were not asked about it before.
/// `token_hash` is stored; `link` is the letter's link (with the raw
/// token). Returns whether a survey was sent.
pub async fn ask_after_close(
    db: &Db,
    actor: Actor,
    case_id: i64,
    token_hash: &str,
    link: &str,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let mut sql = Sql::new(
        "SELECT c.number, c.customer_id, c.reporter_user_id, u.id AS user_id FROM cases c JOIN users u ON u.id = c.reporter_user_id \
         WHERE u.survey_consent_at IS NOT NULL AND u.analytics_objection_at IS NULL AND u.disabled = 0 AND c.status = 'closed' AND c.id = ",
    );
    sql.bind(case_id);
    let Some(r) = sql.fetch_optional(&mut *tx).await? else {
        return Ok(false);
    };
    let (number, customer_id, user_id) =
        (r.text("number")?, r.int("customer_id")?, r.int("user_id")?);
    let now = actor.at.timestamp_millis();
    let expires = actor.at + Duration::days(VALID_DAYS);
    let mut ins = Sql::new("INSERT INTO surveys (case_id, customer_id, user_id, token_hash, sent_at, expires_at) VALUES (");
    ins.bind(case_id)
        .push(", ")
        .bind(customer_id)
        .push(", ")
        .bind(user_id)
        .push(", ")
        .bind(token_hash.to_string())
        .push(", ")
        .bind(now)
        .push(", ")
        .bind(expires.timestamp_millis())
        .push(") ON CONFLICT (case_id, user_id) DO NOTHING");
    if ins.execute(&mut *tx).await?.rows_affected() == 0 {
        return Ok(false);
    }
    enqueue_letter(
        &mut tx,
        actor.at,
        Letter {
            key: format!("survey:{case_id}:{user_id}"),
            event: "survey",
            user_id,
            customer_id: Some(customer_id),
            subject: format!("How did we do? Your request {number}"),
            body: format!(
                "Your service request {number} is closed. Would you tell us how satisfied you are? \
                 It takes a minute, and the link works once, for {VALID_DAYS} days:\n{link}\n\n\
                 You get these questions because you agreed to satisfaction surveys; you can stop \
                 them under Privacy in the portal."
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The survey behind a link, answered or not; unknown or expired links
/// are not found.
pub async fn open(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<SurveyView> {
    let mut sql = Sql::new(
        "SELECT c.number, c.symptoms, un.name AS unit_name, un.equipment_number, b.name AS building, s.answered_at, s.expires_at \
         FROM surveys s JOIN cases c ON c.id = s.case_id JOIN buildings b ON b.id = c.building_id LEFT JOIN units un ON un.id = c.unit_id WHERE s.token_hash = ",
    );
    sql.bind(token_hash.to_string())
        .push(" AND s.expires_at > ")
        .bind(now.timestamp_millis());
    let r = sql
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound("survey"))?;
    let unit = r
        .opt_text("unit_name")?
        .filter(|n| !n.trim().is_empty())
        .or(r.opt_text("equipment_number")?);
    let building = r.text("building")?;
    Ok(SurveyView {
        case_number: r.text("number")?,
        place: match unit {
            Some(u) => format!("{u} · {building}"),
            None => building,
        },
        symptoms: r.text("symptoms")?,
        answered: r.opt_int("answered_at")?.is_some(),
        expires_at: r.instant("expires_at")?,
    })
}

/// Records the answer once (audited as the survey's user).
pub async fn answer(db: &Db, token_hash: &str, now: DateTime<Utc>, a: SurveyAnswer) -> Result<()> {
    if !(1..=5).contains(&a.rating) {
        return Err(Invalid::new("rating", "must be 1 to 5").into());
    }
    let comment = optional_text("comment", a.comment.as_deref(), 4000)?;
    open(db, token_hash, now).await?;
    let mut tx = db.begin().await?;
    let mut sql = Sql::new("UPDATE surveys SET answered_at = ");
    sql.bind(now.timestamp_millis())
        .push(", rating = ")
        .bind(a.rating)
        .push(", solved = ")
        .bind(a.solved.map(i64::from))
        .push(", comment = ")
        .bind(comment.clone())
        .push(" WHERE answered_at IS NULL AND token_hash = ")
        .bind(token_hash.to_string())
        .push(" RETURNING id, user_id, customer_id");
    let Some(r) = sql.fetch_optional(&mut *tx).await? else {
        return Err(StoreError::Conflict(
            "this survey is already answered".into(),
        ));
    };
    #[derive(Serialize)]
    struct Answered {
        rating: i64,
        solved: Option<bool>,
        comment: Option<String>,
    }
    let actor = Actor {
        user_id: Some(r.int("user_id")?),
        at: now,
    };
    let after = Answered {
        rating: a.rating,
        solved: a.solved,
        comment,
    };
    audit::record(
        &mut tx,
        actor,
        Some(r.int("customer_id")?),
        "survey",
        r.int("id")?,
        "answer",
        None::<&()>,
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Surveys sent in `[from, to)` for the cases the caller can see.
pub async fn results(
    db: &Db,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<SurveyResults> {
    let mut sql = Sql::new(
        "SELECT c.number, s.answered_at, s.rating, s.solved, s.comment FROM surveys s JOIN cases c ON c.id = s.case_id WHERE s.sent_at >= ",
    );
    sql.bind(from.timestamp_millis())
        .push(" AND s.sent_at < ")
        .bind(to.timestamp_millis());
    restrict(&mut sql, scope, "c", Shape::InBuilding);
    sql.push(" ORDER BY s.answered_at DESC");
    let mut out = SurveyResults::default();
    let (mut sum, mut solved, mut said) = (0i64, 0i64, 0i64);
    for r in sql.fetch_all(&db.pool).await? {
        out.sent += 1;
        let Some(at) = r.opt_int("answered_at")? else {
            continue;
        };
        let rating = r.opt_int("rating")?.unwrap_or(0);
        out.answered += 1;
        sum += rating;
        if (1..=5).contains(&rating) {
            out.ratings[(rating - 1) as usize] += 1;
        }
        if let Some(s) = r.opt_int("solved")? {
            said += 1;
            solved += s;
        }
        if let Some(comment) = r.opt_text("comment")?.filter(|c| !c.trim().is_empty()) {
            if out.comments.len() < 20 {
                out.comments.push(SurveyComment {
                    case_number: r.text("number")?,
                    rating,
                    comment,
                    answered_at: from_millis(at),
                });
            }
        }
    }
    let pct = |a: i64, b: i64| (b > 0).then(|| 100.0 * a as f64 / b as f64);
    out.response_rate_pct = pct(out.answered, out.sent);
    out.mean_rating = (out.answered > 0).then(|| sum as f64 / out.answered as f64);
    out.solved_pct = pct(solved, said);
    out.comments
        .sort_by_key(|c| std::cmp::Reverse(c.answered_at));
    Ok(out)
}

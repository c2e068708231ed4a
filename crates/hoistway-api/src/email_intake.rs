//! `POST /api/v1/inbound-email`: e-mail intake of non-urgent requests
//! (issue #20, seed 000). A mail relay (an MTA pipe or a mail service's
//! inbound hook) posts each message to the service address as raw RFC 822
//! with the configured bearer token. The sender must be a Hoistway user who
//! may open requests; the lift is named by its equipment number in the
//! subject or text (or the user sees one building). The message becomes a
//! portal-channel case through [`crate::cases::open`] and the sender gets a
//! receipt by e-mail. A message that cannot become a case is answered 422
//! with the reason (the relay bounces it), and a known sender also gets
//! the reason by e-mail.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use hoistway_app::auth::{same_token, Caller};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Json;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Scope};
use hoistway_store::cases::intake::CaseInput;
use hoistway_store::notifications::send_letter;
use hoistway_store::{units, users, ListFilter};
use mail_parser::MessageParser;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(inbound))
}

/// What became of a message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntakeReceipt {
    pub case_number: String,
    pub unit_id: Option<i64>,
    pub building_id: i64,
}

/// The longest text taken into a case's symptoms.
const MAX_TEXT: usize = 4000;

#[utoipa::path(post, path = "/api/v1/inbound-email", tag = "cases",
    request_body(content = String, content_type = "message/rfc822", description = "the message as received"),
    responses((status = 201, body = IntakeReceipt),
        (status = 400, description = "not an e-mail message"),
        (status = 401, description = "not the relay's token"),
        (status = 404, description = "e-mail intake is not configured"),
        (status = 422, description = "refused: unknown sender, a role that cannot open requests, or no lift named")))]
async fn inbound(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<IntakeReceipt>)> {
    let Some(config) = &s.settings.inbound_email else {
        return Err(AppError::NotFound("e-mail intake"));
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_token(sent, &config.token) {
        return Err(AppError::Unauthorized);
    }
    let message = MessageParser::default()
        .parse(&body[..])
        .ok_or_else(|| AppError::BadRequest("the body is not an e-mail message".into()))?;
    let from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(|a| a.trim().to_lowercase())
        .ok_or_else(|| AppError::BadRequest("the message has no sender".into()))?;
    let subject = message.subject().unwrap_or("").trim().to_string();
    let text = message
        .body_text(0)
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let receipt = take(&s, &from, &subject, &text).await?;
    Ok((StatusCode::CREATED, Json(receipt)))
}

/// Turns one message into a case, or refuses it with the reason.
async fn take(s: &AppState, from: &str, subject: &str, text: &str) -> ApiResult<IntakeReceipt> {
    let unknown = || {
        AppError::Unprocessable(format!(
            "{from} is not a Hoistway user: ask your building's administrator for an invitation, or use the portal or the phone number on the lift"
        ))
    };
    let (user, _) = users::find_for_login(&s.db, from)
        .await?
        .ok_or_else(unknown)?;
    if user.disabled {
        return Err(unknown());
    }
    let scope = Scope::for_user(user.role, user.customer_id, user.portfolio_ids.clone());
    let caller = Caller {
        user,
        session_id: 0,
        scope,
    };
    let now = s.clock.now();
    let refuse = |reason: String| refusal(s, &caller.user, subject, now, reason);
    if !caller.user.role.permits(Resource::Cases, Action::Write)
        || caller.user.role.is_provider_side()
    {
        return refuse(format!(
            "Your account ({}) cannot open service requests by e-mail.",
            caller.user.role
        ))
        .await;
    }
    let f = ListFilter {
        limit: Some(500),
        ..Default::default()
    };
    let visible = units::list(&s.db, &caller.scope, &f).await?.items;
    let haystack = format!("{subject}\n{text}").to_lowercase();
    let named = visible
        .iter()
        .filter(|u| haystack.contains(&u.equipment_number.to_lowercase()))
        .max_by_key(|u| u.equipment_number.len());
    let buildings: std::collections::BTreeSet<i64> =
        visible.iter().map(|u| u.building_id).collect();
    let (unit_id, building_id) = match (named, buildings.len()) {
        (Some(u), _) => (Some(u.id), u.building_id),
        (None, 1) => (None, *buildings.iter().next().unwrap_or(&0)),
        _ => {
            return refuse(
                "Name the lift, escalator or door: write its equipment number (on the service label, e.g. ken:41000001) in the subject or the text.".into(),
            )
            .await
        }
    };
    let mut symptoms = if text.is_empty() {
        subject.to_string()
    } else if subject.is_empty() {
        text.to_string()
    } else {
        format!("{subject}\n\n{text}")
    };
    if symptoms.trim().is_empty() {
        return refuse("The message is empty: say what is wrong.".into()).await;
    }
    if symptoms.chars().count() > MAX_TEXT {
        symptoms = symptoms.chars().take(MAX_TEXT).collect();
    }
    let input = CaseInput {
        unit_id,
        building_id: unit_id.is_none().then_some(building_id),
        symptoms: Some(symptoms),
        reporter_name: Some(caller.user.name.clone()),
        ..Default::default()
    };
    let case = crate::cases::open(s, &caller, input, "portal").await?;
    let u = &caller.user;
    send_letter(
        &s.db,
        now,
        u.id,
        u.customer_id,
        format!("email_intake:received:{}", case.number),
        format!("Received: your request {} ({})", case.number, short(subject)),
        format!(
            "Thank you. Your request is {} and the care center has it. You can follow it in the portal under Requests.",
            case.number
        ),
    )
    .await?;
    Ok(IntakeReceipt {
        case_number: case.number,
        unit_id,
        building_id,
    })
}

/// Tells a known sender why their message is not a case, and answers the
/// relay 422 with the same reason.
async fn refusal(
    s: &AppState,
    u: &users::User,
    subject: &str,
    now: chrono::DateTime<chrono::Utc>,
    reason: String,
) -> ApiResult<IntakeReceipt> {
    send_letter(
        &s.db,
        now,
        u.id,
        u.customer_id,
        format!("email_intake:refused:{}:{}", u.id, now.timestamp_millis()),
        format!("We could not take your request: {}", short(subject)),
        format!("{reason}\n\nSomeone trapped in a lift? Use the emergency phone in the car or call the care center."),
    )
    .await?;
    Err(AppError::Unprocessable(reason))
}

/// A subject short enough for another subject line.
fn short(subject: &str) -> String {
    let s: String = subject.chars().take(60).collect();
    if s.is_empty() {
        "no subject".into()
    } else {
        s
    }
}

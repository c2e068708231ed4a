//! `/api/v1/cases`: the service desk. Intake from every channel, dispatch,
//! status, the service report, escalation acknowledgements.
//!
//! Who may do what: anyone with case write access opens cases and adds
//! notes; moving a case (status, dispatch, ETA, acknowledgements) is the
//! provider's staff, and a technician only moves cases assigned to them;
//! overriding a priority is for duty managers; customers answer quotes.
//! Customers (customer-side roles that write cases) ask for escalation of
//! an open case and for a callback; the care center (operators, duty
//! managers, provider admins) acknowledges the escalation and marks the
//! callback done. Internal notes never reach customer users.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::live::LiveEvent;
use hoistway_app::state::AppState;
use hoistway_desk::ServiceReportDraft;
use hoistway_domain::{Action, Resource, Role};
use hoistway_store::cases::asks::{self, CallbackAsk, EscalationAsk};
use hoistway_store::cases::intake::Opening;
use hoistway_store::cases::lifecycle::{
    self, Acknowledgement, Assignment, EtaChange, Note, PriorityChange, QuoteAnswer, StatusChange,
};
use hoistway_store::cases::sla::{escalations, EscalationRow};
use hoistway_store::cases::timeline::{self, TimelineEntry};
use hoistway_store::cases::{self, Case, CaseFilter, CaseInput};
use hoistway_store::Page;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(status))
        .routes(routes!(assign))
        .routes(routes!(eta))
        .routes(routes!(priority))
        .routes(routes!(note))
        .routes(routes!(report))
        .routes(routes!(quote))
        .routes(routes!(acknowledge))
        .routes(routes!(escalation_request))
        .routes(routes!(escalation_request_ack))
        .routes(routes!(callback_request))
        .routes(routes!(callback_request_done))
}

/// A case with its timeline (and, for the provider's staff, escalations).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: Case,
    pub timeline: Vec<TimelineEntry>,
    pub escalations: Vec<EscalationRow>,
}

pub(crate) fn staff(caller: &Caller) -> bool {
    caller.user.role.is_provider_side()
}

/// Moving a case is for the provider's staff; a technician only moves what
/// is assigned to them.
async fn may_move(s: &AppState, caller: &Caller, number: &str) -> ApiResult<()> {
    caller.require(Resource::Cases, Action::Write)?;
    if !staff(caller) {
        return Err(AppError::Forbidden(format!(
            "a {} may not move a case; the service desk does",
            caller.user.role
        )));
    }
    if caller.user.role == Role::Technician {
        let case = readable_case(s, caller, number).await?;
        if case.technician_id != Some(caller.user.id) {
            return Err(AppError::Forbidden(format!(
                "case {number} is not assigned to you"
            )));
        }
    }
    Ok(())
}

/// A technician reads only the cases assigned to them (issue #18): another
/// customer's case carries the reporter's name and callback phone. Other
/// roles read what their scope shows. A case outside this is a 404, like
/// one that does not exist.
pub fn technician_reads(caller: &Caller, case: &Case) -> bool {
    caller.user.role != Role::Technician || case.technician_id == Some(caller.user.id)
}

/// One case as `caller` may read it (the API and every other reader).
pub async fn readable_case(s: &AppState, caller: &Caller, number: &str) -> ApiResult<Case> {
    let case = cases::get(&s.db, &caller.scope, number).await?;
    if !technician_reads(caller, &case) {
        return Err(AppError::NotFound("case"));
    }
    crate::privacy::audit_case_read(s, caller, &case).await?;
    Ok(case)
}

/// The case list as `caller` may read it: a technician's list is always
/// narrowed to their own cases, whatever filter they send.
pub async fn readable_cases(
    s: &AppState,
    caller: &Caller,
    mut f: CaseFilter,
) -> ApiResult<Page<Case>> {
    if caller.user.role == Role::Technician {
        f.technician_id = Some(caller.user.id);
    }
    Ok(cases::list(&s.db, &caller.scope, &f).await?)
}

fn publish(s: &AppState, case: &Case, kind: &'static str) {
    s.live.publish(LiveEvent::case(case, kind));
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseFilter),
    responses((status = 200, body = Page<Case>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<CaseFilter>,
) -> ApiResult<Json<Page<Case>>> {
    caller.require(Resource::Cases, Action::Read)?;
    Ok(Json(readable_cases(&s, &caller, f).await?))
}

#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", request_body = CaseInput,
    responses((status = 201, body = Case), (status = 400), (status = 401), (status = 403), (status = 409)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CaseInput>,
) -> ApiResult<(StatusCode, Json<Case>)> {
    let case = open(&s, &caller, input, "api").await?;
    Ok((StatusCode::CREATED, Json(case)))
}

/// Opens a case for `caller`: the one path of every channel a signed-in
/// user opens cases through (the API, the portal). `default_channel` is
/// used when the input names none.
pub async fn open(
    s: &AppState,
    caller: &Caller,
    input: CaseInput,
    default_channel: &'static str,
) -> ApiResult<Case> {
    caller.require(Resource::Cases, Action::Write)?;
    if input.channel.as_deref() == Some("phone") && !staff(caller) {
        return Err(AppError::Forbidden(
            "phone cases are taken by the care center".into(),
        ));
    }
    let opening = Opening {
        channel: default_channel,
        finding_key: None,
    };
    let case = cases::create(
        &s.db,
        &caller.scope,
        caller.actor(s),
        &s.desk,
        input,
        opening,
    )
    .await?;
    s.metrics.cases_opened.inc();
    publish(s, &case, "case_created");
    Ok(case)
}

#[utoipa::path(get, path = "/api/v1/cases/{number}", tag = "cases", params(("number" = String, Path)),
    responses((status = 200, body = CaseDetail), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Json<CaseDetail>> {
    caller.require(Resource::Cases, Action::Read)?;
    let case = readable_case(&s, &caller, &number).await?;
    let timeline = timeline::list(&s.db, case.id, staff(&caller)).await?;
    let escalations = if staff(&caller) {
        escalations(&s.db, case.id).await?
    } else {
        Vec::new()
    };
    Ok(Json(CaseDetail {
        case,
        timeline,
        escalations,
    }))
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/status", tag = "cases", params(("number" = String, Path)),
    request_body = StatusChange,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn status(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(change): Json<StatusChange>,
) -> ApiResult<Json<Case>> {
    Ok(Json(move_status(&s, &caller, &number, change).await?))
}

/// The `status` action, shared by the API and the portal (same checks).
pub async fn move_status(
    s: &AppState,
    caller: &Caller,
    number: &str,
    change: StatusChange,
) -> ApiResult<Case> {
    may_move(s, caller, number).await?;
    let case = lifecycle::change_status(
        &s.db,
        &caller.scope,
        caller.actor(s),
        &s.desk,
        number,
        change,
    )
    .await?;
    publish(s, &case, "case_status");
    crate::surveys::ask_after_close(s, caller, &case).await;
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/assign", tag = "cases", params(("number" = String, Path)),
    request_body = Assignment,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn assign(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(a): Json<Assignment>,
) -> ApiResult<Json<Case>> {
    Ok(Json(dispatch(&s, &caller, &number, a).await?))
}

/// The `assign` action, shared by the API and the portal (same checks).
pub async fn dispatch(
    s: &AppState,
    caller: &Caller,
    number: &str,
    a: Assignment,
) -> ApiResult<Case> {
    may_move(s, caller, number).await?;
    if caller.user.role == Role::Technician {
        return Err(AppError::Forbidden(
            "dispatch is done by the care center".into(),
        ));
    }
    let case = lifecycle::assign(&s.db, &caller.scope, caller.actor(s), &s.desk, number, a).await?;
    publish(s, &case, "case_assigned");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/eta", tag = "cases", params(("number" = String, Path)),
    request_body = EtaChange,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn eta(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(e): Json<EtaChange>,
) -> ApiResult<Json<Case>> {
    Ok(Json(change_eta(&s, &caller, &number, e).await?))
}

/// The `eta` action, shared by the API and the portal (same checks).
pub async fn change_eta(
    s: &AppState,
    caller: &Caller,
    number: &str,
    e: EtaChange,
) -> ApiResult<Case> {
    may_move(s, caller, number).await?;
    let case =
        lifecycle::set_eta(&s.db, &caller.scope, caller.actor(s), &s.desk, number, e).await?;
    publish(s, &case, "case_eta");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/priority", tag = "cases", params(("number" = String, Path)),
    request_body = PriorityChange,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn priority(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(change): Json<PriorityChange>,
) -> ApiResult<Json<Case>> {
    Ok(Json(override_priority(&s, &caller, &number, change).await?))
}

/// The `priority` action, shared by the API and the portal (same checks).
pub async fn override_priority(
    s: &AppState,
    caller: &Caller,
    number: &str,
    change: PriorityChange,
) -> ApiResult<Case> {
    caller.require(Resource::Cases, Action::Write)?;
    if !matches!(caller.user.role, Role::DutyManager | Role::ProviderAdmin) {
        return Err(AppError::Forbidden(format!(
            "a {} may not override a priority (a duty manager may)",
            caller.user.role
        )));
    }
    let case = lifecycle::override_priority(
        &s.db,
        &caller.scope,
        caller.actor(s),
        &s.desk,
        number,
        change,
    )
    .await?;
    publish(s, &case, "case_priority");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/notes", tag = "cases", params(("number" = String, Path)),
    request_body = Note,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404)))]
async fn note(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(n): Json<Note>,
) -> ApiResult<Json<Case>> {
    Ok(Json(add_note(&s, &caller, &number, n).await?))
}

/// The `note` action, shared by the API and the portal (same checks).
pub async fn add_note(s: &AppState, caller: &Caller, number: &str, n: Note) -> ApiResult<Case> {
    caller.require(Resource::Cases, Action::Write)?;
    if n.internal && !staff(caller) {
        return Err(AppError::Forbidden(
            "internal notes are for the provider's staff".into(),
        ));
    }
    // The answer carries the whole case: a technician notes only their own.
    readable_case(s, caller, number).await?;
    let case =
        lifecycle::add_note(&s.db, &caller.scope, caller.actor(s), &s.desk, number, n).await?;
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/report", tag = "cases", params(("number" = String, Path)),
    request_body(content = Object, description = "findings, cause_code, actions, parts_used [{part_number, quantity}], follow_ups [{action, requires_visit}], quote {amount_minor, currency, text, decision}, returned_to_service, inspection_required (controller or safety component replaced: returned_to_service must be false, and the case closes only after an inspection certificate of the unit issued since the case opened), labour_minutes (0 to 1440; left out: the time since arrival on site, at most 8 h), exclusion (vandalism, water_ingress, misuse or power_quality: the cause falls under a contract exclusion). Under a contract, the parts and labour are classified covered, warranty or billable (GET /api/v1/cases/{number}/work); a quote within the contract's spending limit that needs no purchase order is accepted at once, any other waits for the customer"),
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(draft): Json<ServiceReportDraft>,
) -> ApiResult<Json<Case>> {
    Ok(Json(file_report(&s, &caller, &number, draft).await?))
}

/// The `report` action, shared by the API and the portal (same checks).
pub async fn file_report(
    s: &AppState,
    caller: &Caller,
    number: &str,
    draft: ServiceReportDraft,
) -> ApiResult<Case> {
    may_move(s, caller, number).await?;
    let case = lifecycle::post_report(
        &s.db,
        &caller.scope,
        caller.actor(s),
        &s.desk,
        number,
        draft,
    )
    .await?;
    publish(s, &case, "case_report");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/quote", tag = "cases", params(("number" = String, Path)),
    request_body = QuoteAnswer,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn quote(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(a): Json<QuoteAnswer>,
) -> ApiResult<Json<Case>> {
    Ok(Json(answer_quote(&s, &caller, &number, a).await?))
}

/// Accepts or declines a case's quote: the customer's decision (shared by
/// the API and the portal).
pub async fn answer_quote(
    s: &AppState,
    caller: &Caller,
    number: &str,
    a: QuoteAnswer,
) -> ApiResult<Case> {
    caller.require(Resource::Cases, Action::Write)?;
    if !matches!(
        caller.user.role,
        Role::CustomerAdmin | Role::PropertyManager | Role::ProviderAdmin
    ) {
        return Err(AppError::Forbidden(format!(
            "a {} may not answer a quote",
            caller.user.role
        )));
    }
    let case =
        lifecycle::answer_quote(&s.db, &caller.scope, caller.actor(s), &s.desk, number, a).await?;
    publish(s, &case, "case_quote");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/acknowledge", tag = "cases", params(("number" = String, Path)),
    request_body = Acknowledgement,
    responses((status = 200, body = Case), (status = 400), (status = 403), (status = 404), (status = 409)))]
async fn acknowledge(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(a): Json<Acknowledgement>,
) -> ApiResult<Json<Case>> {
    Ok(Json(acknowledge_escalation(&s, &caller, &number, a).await?))
}

/// The `acknowledge` action, shared by the API and the portal (same checks).
pub async fn acknowledge_escalation(
    s: &AppState,
    caller: &Caller,
    number: &str,
    a: Acknowledgement,
) -> ApiResult<Case> {
    may_move(s, caller, number).await?;
    let case =
        lifecycle::acknowledge(&s.db, &caller.scope, caller.actor(s), &s.desk, number, a).await?;
    Ok(case)
}

/// Asking the care center (escalation, a callback) is the customer's: a
/// customer-side role that writes cases (the provider's staff, technicians
/// included, are refused with 403). The case must be in the caller's scope
/// (the store answers 404 otherwise).
fn may_ask(caller: &Caller, what: &str) -> ApiResult<()> {
    caller.require(Resource::Cases, Action::Write)?;
    if staff(caller) {
        return Err(AppError::Forbidden(format!(
            "a {} may not ask for {what}; the customer does",
            caller.user.role
        )));
    }
    Ok(())
}

/// Answering a customer's ask is the care center's: operators, duty
/// managers and provider admins.
fn may_answer(caller: &Caller) -> ApiResult<()> {
    caller.require(Resource::Cases, Action::Write)?;
    if !matches!(
        caller.user.role,
        Role::Operator | Role::DutyManager | Role::ProviderAdmin
    ) {
        return Err(AppError::Forbidden(format!(
            "a {} may not answer a customer's request; the care center does",
            caller.user.role
        )));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/escalation-request", tag = "cases",
    params(("number" = String, Path)),
    request_body = EscalationAsk,
    responses(
        (status = 200, body = Case, description = "The request is on the case, pending until the care center acknowledges it."),
        (status = 400, description = "`reason` is blank or too long."),
        (status = 403, description = "Only the customer's users ask for escalation."),
        (status = 404, description = "No such case visible to the caller."),
        (status = 409, description = "The case is resolved, closed or cancelled, or an earlier request is still waiting.")))]
async fn escalation_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(ask): Json<EscalationAsk>,
) -> ApiResult<Json<Case>> {
    Ok(Json(ask_escalation(&s, &caller, &number, ask).await?))
}

/// A customer asks for escalation of an open case (the API and the portal).
pub async fn ask_escalation(
    s: &AppState,
    caller: &Caller,
    number: &str,
    ask: EscalationAsk,
) -> ApiResult<Case> {
    may_ask(caller, "escalation")?;
    let case =
        asks::ask_escalation(&s.db, &caller.scope, caller.actor(s), &s.desk, number, ask).await?;
    publish(s, &case, "case_escalation_request");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/escalation-request/ack", tag = "cases",
    params(("number" = String, Path)),
    responses(
        (status = 200, body = Case, description = "Acknowledged; the case's `escalation_request` carries `acknowledged_at`."),
        (status = 403, description = "Only the care center acknowledges."),
        (status = 404, description = "No such case visible to the caller."),
        (status = 409, description = "No request for escalation is waiting on this case.")))]
async fn escalation_request_ack(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Json<Case>> {
    Ok(Json(
        acknowledge_escalation_request(&s, &caller, &number).await?,
    ))
}

/// The care center acknowledges a customer's request for escalation.
pub async fn acknowledge_escalation_request(
    s: &AppState,
    caller: &Caller,
    number: &str,
) -> ApiResult<Case> {
    may_answer(caller)?;
    let case = asks::acknowledge_escalation(&s.db, &caller.scope, caller.actor(s), &s.desk, number)
        .await?;
    publish(s, &case, "case_escalation_ack");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/callback-request", tag = "cases",
    params(("number" = String, Path)),
    request_body = CallbackAsk,
    responses(
        (status = 200, body = Case, description = "The request is on the case, pending until the care center has called."),
        (status = 400, description = "`phone` is not a phone number or `window` is not one of the choices."),
        (status = 403, description = "Only the customer's users request a callback."),
        (status = 404, description = "No such case visible to the caller."),
        (status = 409, description = "The case is resolved, closed or cancelled, or an earlier callback is still waiting.")))]
async fn callback_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
    Json(ask): Json<CallbackAsk>,
) -> ApiResult<Json<Case>> {
    Ok(Json(ask_callback(&s, &caller, &number, ask).await?))
}

/// A customer asks to be called back about an open case (the API and the portal).
pub async fn ask_callback(
    s: &AppState,
    caller: &Caller,
    number: &str,
    ask: CallbackAsk,
) -> ApiResult<Case> {
    may_ask(caller, "a callback")?;
    let case =
        asks::ask_callback(&s.db, &caller.scope, caller.actor(s), &s.desk, number, ask).await?;
    publish(s, &case, "case_callback_request");
    Ok(case)
}

#[utoipa::path(post, path = "/api/v1/cases/{number}/callback-request/done", tag = "cases",
    params(("number" = String, Path)),
    responses(
        (status = 200, body = Case, description = "Marked done; the case's `callback_request` carries `done_at`."),
        (status = 403, description = "Only the care center marks callbacks done."),
        (status = 404, description = "No such case visible to the caller."),
        (status = 409, description = "No callback is waiting on this case.")))]
async fn callback_request_done(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Json<Case>> {
    Ok(Json(complete_callback(&s, &caller, &number).await?))
}

/// The care center marks a customer's callback done.
pub async fn complete_callback(s: &AppState, caller: &Caller, number: &str) -> ApiResult<Case> {
    may_answer(caller)?;
    let case = asks::callback_done(&s.db, &caller.scope, caller.actor(s), &s.desk, number).await?;
    publish(s, &case, "case_callback_done");
    Ok(case)
}

//! Plays the demo history's calls through the service desk's own store
//! functions (`cases::create`, `assign`, `change_status`, `post_report`,
//! `answer_quote`, `close`), each at its planned instant, so every row —
//! case, timeline, holds, SLA state, audit — is what live use writes. Before
//! each step the SLA timers due by then run (`sla::run_due`, as the desk's
//! loop would), and a duty manager acknowledges what they raised.

use super::plan::{part_for, symptoms, Incident, Step, UnitInfo};
use chrono::{DateTime, Utc};
use hoistway_desk::report::{FollowUp, PartUsedDraft, QuoteDecision, QuoteDraft};
use hoistway_desk::ServiceReportDraft;
use hoistway_domain::Scope;
use hoistway_store::cases::intake::{CaseInput, Opening, Trapped};
use hoistway_store::cases::lifecycle::{
    self, Acknowledgement, Assignment, QuoteAnswer, StatusChange,
};
use hoistway_store::cases::{self, sla, Rules};
use hoistway_store::{contracts, Actor, Db, StoreError};
use std::collections::HashMap;

/// What the replay did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Played {
    pub cases: usize,
    pub escalations: usize,
}

fn cause_code(i: &Incident) -> &'static str {
    use hoistway_twin::faults::FaultKind::*;
    match i.fault {
        DoorRollerWear => "DOOR-ROLLER",
        LevellingDrift => "LEVELLING",
        OverheatingMotor => "MOTOR-TEMP",
        DriveFaultBursts => "DRIVE-FAULT",
        SuddenBreakdown => "SAFETY-CIRCUIT",
        BrakeWear => "BRAKE",
    }
}

fn status(s: &str) -> StatusChange {
    StatusChange {
        status: s.into(),
        reason: None,
        hold: None,
        part: None,
        lead_time_days: None,
    }
}

/// Runs the SLA timers due at or before `until`, acknowledging what fires.
async fn run_timers(db: &Db, rules: &Rules, until: DateTime<Utc>) -> Result<usize, StoreError> {
    let mut fired = 0;
    for _ in 0..50 {
        let Some(due) = sla::next_due(db).await? else {
            break;
        };
        if due > until {
            break;
        }
        let run = sla::run_due(db, rules, due, "demo-history", 50).await?;
        for (number, kind) in &run.fired {
            fired += 1;
            let actor = Actor {
                user_id: None,
                at: due,
            };
            lifecycle::acknowledge(
                db,
                &Scope::All,
                actor,
                rules,
                number,
                Acknowledgement { kind: kind.clone() },
            )
            .await?;
        }
        if run.evaluated == 0 {
            break;
        }
    }
    Ok(fired)
}

/// Opens and moves every call of `incidents` up to `now` (later steps are
/// the future: a call opened yesterday may still be open).
pub async fn play(
    db: &Db,
    rules: &Rules,
    units: &[UnitInfo],
    incidents: &[Incident],
    now: DateTime<Utc>,
) -> Result<Played, StoreError> {
    let mut played = Played::default();
    let all = Scope::All;
    // A quote is in the currency of the contract the case falls under.
    let mut currency: HashMap<i64, String> = HashMap::new();
    for (n, i) in incidents.iter().enumerate() {
        if i.opened_at >= now {
            continue;
        }
        let u = &units[i.unit];
        played.escalations += run_timers(db, rules, i.opened_at).await?;
        let input = CaseInput {
            unit_id: Some(u.id),
            channel: (i.channel != "connected").then(|| i.channel.to_string()),
            symptoms: Some(symptoms(i.fault, i.channel)),
            error_codes: vec![i.fault.failure_code().to_string()],
            passengers_trapped: i.trapped.then_some(Trapped::Flag(true)),
            unit_out_of_service: i.down && !i.trapped,
            po_number: (i.channel != "connected").then(|| format!("PO-{}", 70_000 + n)),
            reporter_name: (i.channel != "connected").then(|| "Building reception".to_string()),
            ..Default::default()
        };
        let opening = Opening {
            channel: if i.channel == "connected" {
                "connected"
            } else {
                "phone"
            },
            finding_key: None,
        };
        let case = cases::create(
            db,
            &all,
            Actor {
                user_id: None,
                at: i.opened_at,
            },
            rules,
            input,
            opening,
        )
        .await?;
        played.cases += 1;
        let money = match case.contract_id {
            Some(id) => match currency.get(&id) {
                Some(c) => c.clone(),
                None => {
                    let c = contracts::get(db, &all, id).await?.currency;
                    currency.insert(id, c.clone());
                    c
                }
            },
            None => "EUR".to_string(),
        };
        for (at, step) in &i.steps {
            if *at >= now {
                break;
            }
            played.escalations += run_timers(db, rules, *at).await?;
            let desk = Actor {
                user_id: None,
                at: *at,
            };
            let tech = Actor {
                user_id: Some(u.technician_id),
                at: *at,
            };
            let num = case.number.as_str();
            match step {
                Step::Assign { eta } => {
                    let a = Assignment {
                        technician_id: u.technician_id,
                        eta: Some(*eta),
                    };
                    lifecycle::assign(db, &all, desk, rules, num, a).await?;
                }
                Step::EnRoute => {
                    lifecycle::change_status(db, &all, tech, rules, num, status("en_route"))
                        .await?;
                }
                Step::OnSite => {
                    lifecycle::change_status(db, &all, tech, rules, num, status("on_site")).await?;
                }
                Step::Hold { part, days } => {
                    // The part is a catalogue part in stock at a depot: a
                    // one-day depot order takes its date from the
                    // catalogue; a factory order carries the days the
                    // supplier promised.
                    let from_depot = *days == hoistway_desk::hold::DEPOT_TRANSFER_DAYS;
                    let change = StatusChange {
                        hold: Some("waiting_for_parts".into()),
                        part: Some(part.to_string()),
                        lead_time_days: (!from_depot).then_some(*days),
                        ..status("on_hold")
                    };
                    lifecycle::change_status(db, &all, tech, rules, num, change).await?;
                }
                Step::Redispatch => {
                    lifecycle::change_status(db, &all, desk, rules, num, status("dispatched"))
                        .await?;
                }
                Step::Resolve => {
                    lifecycle::change_status(db, &all, tech, rules, num, status("resolved"))
                        .await?;
                }
                Step::Reopen => {
                    let change = StatusChange {
                        reason: Some("The fault came back; the customer called again".into()),
                        ..status("new")
                    };
                    lifecycle::change_status(db, &all, desk, rules, num, change).await?;
                }
                Step::Report { quote_minor } => {
                    let parted = i.steps.iter().any(|(_, s)| matches!(s, Step::Hold { .. }));
                    let draft = ServiceReportDraft {
                        findings: format!(
                            "{} traced to {}; repaired and tested",
                            symptoms(i.fault, "phone"),
                            i.fault.as_str().replace('_', " ")
                        ),
                        cause_code: cause_code(i).into(),
                        actions: vec![
                            "Diagnosed the fault".into(),
                            "Repaired and test-ran the unit".into(),
                        ],
                        parts_used: if parted || i.down {
                            vec![PartUsedDraft {
                                part_number: part_for(i.fault).into(),
                                quantity: 1,
                            }]
                        } else {
                            vec![]
                        },
                        follow_ups: vec![FollowUp {
                            action: "Check at the next planned maintenance".into(),
                            requires_visit: false,
                        }],
                        quote: quote_minor.map(|amount| QuoteDraft {
                            amount_minor: amount,
                            currency: money.clone(),
                            text: format!(
                                "Replace the worn {} assembly",
                                i.fault.as_str().replace('_', " ")
                            ),
                            decision: QuoteDecision::Pending,
                        }),
                        returned_to_service: true,
                        inspection_required: false,
                        labour_minutes: None,
                        exclusion: None,
                    };
                    lifecycle::post_report(db, &all, tech, rules, num, draft).await?;
                }
                Step::Quote { accepted } => {
                    // A quote within the contract's spending limit was
                    // accepted with the report; only a waiting one is answered.
                    let case = hoistway_store::cases::get(db, &all, num).await?;
                    if case.quote_decision.as_deref() == Some("pending") {
                        let a = QuoteAnswer {
                            decision: if *accepted { "accepted" } else { "declined" }.into(),
                            po_number: Some(format!("PO-{}", &num[num.len().saturating_sub(6)..])),
                        };
                        lifecycle::answer_quote(db, &all, desk, rules, num, a).await?;
                    }
                }
                Step::Close => {
                    lifecycle::change_status(db, &all, desk, rules, num, status("closed")).await?;
                }
            }
        }
    }
    played.escalations += run_timers(db, rules, now).await?;
    Ok(played)
}

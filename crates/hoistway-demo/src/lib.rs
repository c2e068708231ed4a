//! The demo fleet: customers in several countries and time zones, buildings,
//! units of every kind with full asset registers, contracts of every tier,
//! invoices in every status, and one user for every role. Everything goes
//! through the store's validated, audited writes, like any other client.
//!
//! Module map:
//! - [`maintenance`]: technicians, certificates and the maintenance side of
//!   the seed.
//! - [`history`]: two years of history before "now", generated through the
//!   domain (rollups, cases, visits).
//! - [`feed`]: live twin telemetry for the connected lifts.
//! - [`kone_client`]: a ready KONE API client for the example programs.
//! - [`playbooks`]: the buildings' on-site playbooks (issue #20).
//! - [`parts`]: the parts catalogue with stock in three depots (issue #21).
//! - [`rota`]: the weekly on-call rota and a past extreme-weather
//!   declaration (issue #21).
//! - [`root_causes`]: the analysis of the history's recurring door faults
//!   (issue #21).

pub mod feed;
pub mod history;
pub mod kone_client;
pub mod maintenance;
pub mod parts;
pub mod playbooks;
pub mod root_causes;
pub mod rota;

use chrono::{Datelike, Duration, NaiveDate};
use hoistway_app::auth::hash_password;
use hoistway_domain::{Role, Scope};
use hoistway_store::buildings::BuildingInput;
use hoistway_store::contracts::ContractInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::portfolios::PortfolioInput;
use hoistway_store::units::UnitInput;
use hoistway_store::users::NewUser;
use hoistway_store::{
    buildings, contracts, customers, invoices, portfolios, units, users, Actor, Db, ListFilter,
    StoreError,
};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "hoistway-demo";

/// One demo login, as printed by `hoistway demo`.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub role: Role,
    pub customer: Option<String>,
}

struct Site {
    name: &'static str,
    address: &'static str,
    country: &'static str,
    timezone: &'static str,
    lat: f64,
    lon: f64,
}

const CUSTOMERS: [(&str, &str, &str); 3] = [
    (
        "Nordic Towers Oy",
        "facilities@nordictowers.example",
        "+358 9 4155 0100",
    ),
    (
        "Rhein Immobilien GmbH",
        "technik@rhein-immo.example",
        "+49 30 2093 4400",
    ),
    (
        "Hudson Property Group",
        "ops@hudsonpg.example",
        "+1 212 555 0142",
    ),
];

const SITES: [&[Site]; 3] = [
    &[
        Site {
            name: "Aurora Tower",
            address: "Mannerheimintie 12, 00100 Helsinki",
            country: "FI",
            timezone: "Europe/Helsinki",
            lat: 60.1699,
            lon: 24.9384,
        },
        Site {
            name: "Keilaniemi Campus",
            address: "Keilaranta 1, 02150 Espoo",
            country: "FI",
            timezone: "Europe/Helsinki",
            lat: 60.1756,
            lon: 24.8281,
        },
        Site {
            name: "Tampere Central Hospital Wing C",
            address: "Teiskontie 35, 33520 Tampere",
            country: "FI",
            timezone: "Europe/Helsinki",
            lat: 61.5058,
            lon: 23.8167,
        },
        Site {
            name: "Stockholm Harbour House",
            address: "Skeppsbron 10, 111 30 Stockholm",
            country: "SE",
            timezone: "Europe/Stockholm",
            lat: 59.3251,
            lon: 18.0711,
        },
    ],
    &[
        Site {
            name: "Spreebogen Office",
            address: "Alt-Moabit 101, 10559 Berlin",
            country: "DE",
            timezone: "Europe/Berlin",
            lat: 52.5219,
            lon: 13.3556,
        },
        Site {
            name: "Isar Residenz",
            address: "Zweibrückenstraße 5, 80331 München",
            country: "DE",
            timezone: "Europe/Berlin",
            lat: 48.1331,
            lon: 11.5862,
        },
        Site {
            name: "Hafencity Quartier",
            address: "Am Sandtorkai 50, 20457 Hamburg",
            country: "DE",
            timezone: "Europe/Berlin",
            lat: 53.5436,
            lon: 9.9896,
        },
    ],
    &[
        Site {
            name: "Hudson Yards 7",
            address: "500 W 33rd St, New York, NY 10001",
            country: "US",
            timezone: "America/New_York",
            lat: 40.7538,
            lon: -74.0021,
        },
        Site {
            name: "Lakeshore Medical Center",
            address: "251 E Huron St, Chicago, IL 60611",
            country: "US",
            timezone: "America/Chicago",
            lat: 41.8948,
            lon: -87.6210,
        },
        Site {
            name: "Canary Wharf One",
            address: "1 Canada Square, London E14 5AB",
            country: "GB",
            timezone: "Europe/London",
            lat: 51.5049,
            lon: -0.0195,
        },
        Site {
            name: "Marina Bay Link",
            address: "8 Marina View, Singapore 018960",
            country: "SG",
            timezone: "Asia/Singapore",
            lat: 1.2800,
            lon: 103.8520,
        },
    ],
];

/// A building that keeps its own business hours rather than Mon–Fri
/// 08:00–17:00: the retail link at Marina Bay opens six days a week.
fn own_hours(site: &str) -> Option<hoistway_store::business_hours::BusinessHours> {
    (site == "Marina Bay Link").then(|| hoistway_store::business_hours::BusinessHours {
        working_days: ["mon", "tue", "wed", "thu", "fri", "sat"]
            .map(String::from)
            .to_vec(),
        opens: "07:00".into(),
        closes: "22:00".into(),
        closed_dates: Vec::new(),
    })
}

/// Whether the database already holds data (then the demo does not seed).
pub async fn is_seeded(db: &Db) -> Result<bool, StoreError> {
    let page = customers::list(
        db,
        &Scope::All,
        &ListFilter {
            limit: Some(1),
            ..Default::default()
        },
    )
    .await?;
    Ok(!page.items.is_empty())
}

/// Seeds the demo fleet as of `actor.at`, without its past (what the test
/// suites start from), and returns the logins.
pub async fn seed(db: &Db, actor: Actor) -> Result<Vec<DemoLogin>, StoreError> {
    seed_with(db, actor, false).await
}

/// Seeds the demo fleet as of `actor.at`; with `history`, also its two
/// years of past (`demo_history`), as `hoistway demo` does.
pub async fn seed_with(db: &Db, actor: Actor, history: bool) -> Result<Vec<DemoLogin>, StoreError> {
    let all = Scope::All;
    let today = actor.at.date_naive();
    // With a history, the fleet and its technicians exist from its start,
    // so calls can happen in it, and the contracts are (re)signed where the
    // replayed maintenance starts, so their plans begin there (see
    // `demo_history::visits_start`).
    let (past, signed) = if history {
        let at = |t| Actor { at: t, ..actor };
        (
            at(crate::history::start_of(actor.at)),
            at(crate::history::visits_start(actor.at)),
        )
    } else {
        (actor, actor)
    };
    let hash = hash_password(DEMO_PASSWORD);
    // Technicians first, so contracts plan visits with someone assigned.
    let technicians = crate::maintenance::seed_technicians(db, past, &hash).await?;
    // The parts catalogue before the history, whose parts holds read it.
    crate::parts::seed(db, past).await?;
    // Someone on call in every covered country, over the past and the
    // next weeks (issue #21).
    let rota_from = if history {
        past.at
    } else {
        actor.at - Duration::days(7)
    };
    crate::rota::seed(db, actor, &technicians.by_country, rota_from, history).await?;
    let mut logins = Vec::new();
    let mut people = Vec::new();
    let mut fleet = Vec::new();
    let mut playbook_buildings = Vec::new();
    let mut serial = 41_000_000u64;
    let tiers = ["comprehensive", "standard", "basic"];
    let intervals = ["monthly", "quarterly", "annual"];
    for (ci, (name, email, phone)) in CUSTOMERS.iter().enumerate() {
        let customer = customers::create(
            db,
            &all,
            past,
            CustomerInput {
                name: name.to_string(),
                contact_email: Some(email.to_string()),
                contact_phone: Some(phone.to_string()),
            },
        )
        .await?;
        let mut building_ids = Vec::new();
        let mut unit_ids = Vec::new();
        for (si, site) in SITES[ci].iter().enumerate() {
            let b = buildings::create(
                db,
                &all,
                past,
                BuildingInput {
                    customer_id: customer.id,
                    name: site.name.into(),
                    address: site.address.into(),
                    country: site.country.into(),
                    timezone: site.timezone.into(),
                    latitude: Some(site.lat),
                    longitude: Some(site.lon),
                    hospital: Some(site.name.contains("Hospital") || site.name.contains("Medical")),
                    business_calendar: own_hours(site.name),
                },
            )
            .await?;
            building_ids.push(b.id);
            playbook_buildings.push((b.id, si));
            for ui in 0..6 {
                serial += 1;
                let input = demo_unit(b.id, serial, si, ui, site.country);
                unit_ids.push(units::create(db, &all, past, input).await?.id);
            }
        }
        let half = building_ids.len().div_ceil(2);
        let mut portfolio_ids = Vec::new();
        for (pi, chunk) in building_ids.chunks(half).enumerate() {
            let label = if pi == 0 {
                "Core portfolio"
            } else {
                "Growth portfolio"
            };
            let p = portfolios::create(
                db,
                &all,
                past,
                PortfolioInput {
                    customer_id: Some(customer.id),
                    name: label.into(),
                    building_ids: chunk.to_vec(),
                },
            )
            .await?;
            portfolio_ids.push(p.id);
        }
        fleet.push((ci, customer.id, unit_ids, portfolio_ids));
    }
    crate::playbooks::seed(db, actor, &playbook_buildings).await?;
    if history {
        // The units' past use and their last inspections before the
        // contracts, whose maintenance plans read them.
        crate::history::seed_rollups(db, actor.at, &technicians.by_country).await?;
        crate::maintenance::seed_prior_certificates(db, past).await?;
    }
    for (ci, customer_id, unit_ids, portfolio_ids) in fleet {
        // Three contracts per customer, one per tier, splitting its units.
        let third = unit_ids.len().div_ceil(3);
        for (ti, chunk) in unit_ids.chunks(third).enumerate() {
            let start = NaiveDate::from_ymd_opt(
                today.year() - 1 - ti as i32,
                1 + (ci as u32 * 4 + ti as u32) % 12,
                1,
            )
            .unwrap_or(today);
            contracts::create(
                db,
                &all,
                signed,
                ContractInput {
                    customer_id,
                    number: Some(format!(
                        "CT-{}-{}",
                        ci + 1,
                        tiers[(ci + ti) % 3].to_uppercase()
                    )),
                    tier: tiers[(ci + ti) % 3].into(),
                    billing_interval: intervals[(ci + ti) % 3].into(),
                    start_date: start.to_string(),
                    end_date: Some((start + Duration::days(365 * 5)).to_string()),
                    monthly_price_per_unit: Some([420.0, 290.0, 180.0][(ci + ti) % 3]),
                    currency: Some(if ci == 2 { "USD" } else { "EUR" }.into()),
                    spending_limit: Some([2500.0, 1000.0, 500.0][(ci + ti) % 3]),
                    po_required: Some(ci == 1),
                    // One payment term per contract, as finance agreed it.
                    payment_term_days: Some([30, 14, 45][(ci + 2 * ti) % 3]),
                    // The tier's standard scope; one contract agreed its
                    // own: water ingress covered (a basement machine room
                    // the customer paid to have protected).
                    included: None,
                    exclusions: (ci == 0 && ti == 0)
                        .then(|| vec!["vandalism".into(), "misuse".into(), "power_quality".into()]),
                    warranty_months: None,
                    labour_rate: Some([110.0, 95.0, 85.0][(ci + ti) % 3]),
                    unit_ids: chunk.to_vec(),
                },
            )
            .await?;
        }
        people.push((ci, customer_id, portfolio_ids));
    }
    if !history {
        crate::maintenance::seed_history(db, actor, history).await?;
    }
    if history {
        // The past before the people: nobody's inbox fills with two years
        // of notices (the technicians' are marked delivered when written).
        let summary = crate::history::seed(
            db,
            actor,
            &hoistway_store::cases::Rules::default(),
            &technicians.by_country,
            hoistway_jobs::maintenance::MAINTENANCE_HORIZON_DAYS,
        )
        .await?;
        tracing::info!(?summary, "demo history seeded");
        // The care center's analysis of the history's recurring door faults.
        crate::root_causes::seed(db, actor).await?;
        // The certificates now, after the replayed visits: each one
        // re-plans its unit at "now", which must not come before the past.
        crate::maintenance::seed_history(db, actor, history).await?;
    }
    // After the past's service reports, so each period's invoice carries
    // the billable work done before it was issued; before the people, so
    // nobody is notified of two years of invoices.
    seed_invoices(db, actor, today).await?;
    for (ci, customer_id, portfolio_ids) in people {
        let (name, email, _) = CUSTOMERS[ci];
        let domain = email.split('@').nth(1).unwrap_or("customer.example");
        for role in [
            Role::CustomerAdmin,
            Role::PropertyManager,
            Role::FrontDesk,
            Role::Finance,
            Role::Resident,
        ] {
            let login = format!("{}@{domain}", role.as_str().replace('_', "."));
            let portfolios = if role == Role::PropertyManager {
                vec![portfolio_ids[0]]
            } else {
                Vec::new()
            };
            let id = add_user(
                db,
                actor,
                &login,
                role,
                Some(customer_id),
                &hash,
                portfolios,
            )
            .await?;
            if history {
                notices_of_the_past(db, id, role).await?;
            }
            logins.push(DemoLogin {
                email: login,
                role,
                customer: Some(name.to_string()),
            });
        }
    }
    for role in [Role::ProviderAdmin, Role::Operator, Role::DutyManager] {
        let login = format!("{}@hoistway.example", role.as_str().replace('_', "."));
        add_user(db, actor, &login, role, None, &hash, Vec::new()).await?;
        logins.insert(
            0,
            DemoLogin {
                email: login,
                role,
                customer: None,
            },
        );
    }
    for t in technicians.logins.into_iter().rev() {
        logins.insert(0, t);
    }
    hoistway_remote::demo::seed(db, actor).await?;
    Ok(logins)
}

/// A customer's user joins after their buildings' past: their bell shows
/// the latest few things that happened to their requests (what their
/// role's preferences ask for), the newest three unread, as if they had
/// been told.
async fn notices_of_the_past(db: &Db, user_id: i64, role: Role) -> Result<(), StoreError> {
    let prefs = hoistway_store::notifications::preferences_of(&db.pool, user_id, role).await?;
    hoistway_store::inbox::catch_up(db, user_id, &prefs, 8, 3).await?;
    Ok(())
}

fn demo_unit(building_id: i64, serial: u64, site: usize, index: usize, country: &str) -> UnitInput {
    let kind = match index {
        0..=3 => "elevator",
        4 => "escalator",
        _ => "door",
    };
    let (manufacturer, model, controller, drive, door_op) = match kind {
        "elevator" => (
            "KONE",
            ["MonoSpace 700", "MiniSpace DX", "TranSys", "MonoSpace 500"][index],
            "KCM831",
            "EcoDisc PMSM",
            "AMD 2",
        ),
        "escalator" => ("KONE", "TravelMaster 110", "KSE", "Helical gear", ""),
        _ => ("KONE", "RS 8 Sliding Door", "ADC", "DC servo", ""),
    };
    let install_year = 1998 + ((serial as usize + site * 3) % 24) as i32;
    let install = NaiveDate::from_ymd_opt(install_year, 1 + (index as u32 % 12), 15);
    // Lift B of the older buildings was modernized twelve years in.
    let modernized = (index == 1 && install_year <= 2012)
        .then(|| NaiveDate::from_ymd_opt(install_year + 12, 6, 1))
        .flatten();
    let phone = match country {
        "FI" => "+358 800 12345",
        "SE" => "+46 771 12 34 56",
        "DE" => "+49 800 123 4567",
        "US" => "+1 800 555 0199",
        "GB" => "+44 800 123 456",
        _ => "+65 6123 4567",
    };
    UnitInput {
        building_id,
        kind: kind.into(),
        equipment_number: format!("ken:{serial}"),
        name: Some(match kind {
            "elevator" => format!("Lift {}", (b'A' + index as u8) as char),
            "escalator" => "Escalator E1".into(),
            _ => "Main entrance door".into(),
        }),
        manufacturer: Some(manufacturer.into()),
        model: Some(model.into()),
        controller_type: Some(controller.into()),
        drive_type: Some(drive.into()),
        door_operator_model: (!door_op.is_empty()).then(|| door_op.into()),
        install_date: install.map(|d| d.to_string()),
        takeover_date: install.map(|d| (d + Duration::days(30)).to_string()),
        modernization_date: modernized.map(|d| d.to_string()),
        floors_served: (kind == "elevator").then_some(6 + (serial % 20) as i64),
        rise_m: Some(match kind {
            "elevator" => 18.0 + (serial % 20) as f64 * 3.3,
            "escalator" => 5.2,
            _ => 0.0,
        }),
        location: Some(match kind {
            "elevator" => format!("Core {}", if index < 2 { "east" } else { "west" }),
            "escalator" => "Lobby to mezzanine".into(),
            _ => "Ground floor entrance".into(),
        }),
        connected: Some(index != 3),
        emergency_phone: Some(phone.into()),
        service_label: Some(format!(
            "In case of fault call {phone} and quote ken:{serial}"
        )),
        // The entrance door is on the step-free route; lift A and the
        // escalator carry the lobby's rush.
        accessible_route: Some(kind == "door"),
        high_traffic: Some(index == 0 || kind == "escalator"),
    }
}

/// Two years of invoices, issued by the product's own invoicing
/// (`hoistway_store::invoicing`) on each contract's billing interval with
/// its payment term; most are paid (a few late), a few are left unpaid past
/// their due date (overdue), and the current periods are open. Runs per
/// customer before its users exist, so history does not flood their inbox.
async fn seed_invoices(db: &Db, actor: Actor, today: NaiveDate) -> Result<(), StoreError> {
    let from = today
        .checked_sub_months(chrono::Months::new(24))
        .unwrap_or(today);
    let run = hoistway_store::invoicing::issue_due(db, actor, from, today).await?;
    for (i, inv) in run.issued.iter().enumerate() {
        let (Ok(issued), Ok(due)) = (
            inv.issued_on.parse::<NaiveDate>(),
            inv.due_on.parse::<NaiveDate>(),
        ) else {
            continue;
        };
        if due >= today {
            // Still open; on every other contract the customer has been
            // reminded (unpaid, not yet due).
            if inv.contract_id % 2 == 0 {
                invoices::update(
                    db,
                    &Scope::All,
                    actor,
                    inv.id,
                    serde_json::json!({"status": "unpaid"}),
                )
                .await?;
            }
            continue;
        }
        if i % 11 == 5 {
            // One in eleven never paid: overdue.
            continue;
        }
        // Paid within the term, one in seven a little late.
        let term = (due - issued).num_days().max(1);
        let days = if i % 7 == 3 {
            term + 9
        } else {
            (i as i64 * 5) % term
        };
        let paid_on = (issued + Duration::days(days)).min(today);
        invoices::update(
            db,
            &Scope::All,
            actor,
            inv.id,
            serde_json::json!({"status": "paid", "paid_on": paid_on.to_string()}),
        )
        .await?;
    }
    Ok(())
}

async fn add_user(
    db: &Db,
    actor: Actor,
    email: &str,
    role: Role,
    customer_id: Option<i64>,
    hash: &str,
    portfolio_ids: Vec<i64>,
) -> Result<i64, StoreError> {
    let name = email.split('@').next().unwrap_or(email).replace('.', " ");
    let user = NewUser {
        email: hoistway_domain::text::Email::parse(email)?,
        name: format!("Demo {name}"),
        role,
        customer_id,
        phone: Some("+358 40 123 4567".into()),
        password_hash: hash.to_string(),
        portfolio_ids,
    };
    Ok(users::create(db, &Scope::All, actor, user).await?.id)
}

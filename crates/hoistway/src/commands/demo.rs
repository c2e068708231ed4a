//! `hoistway demo`: a seeded fleet on an embedded SQLite file, served.

use super::serve::{bind_listener, bind_tls, serve_both, start_jobs, with_ws_limits};
use crate::cli::KoneArgs;
use crate::config::Config;
use hoistway_app::state::{AppState, Settings};
use hoistway_demo::{self as demo, DEMO_PASSWORD};
use hoistway_domain::{Clock, SystemClock};
use hoistway_store::{Actor, Db};
use std::sync::Arc;

pub async fn run(
    config: &Config,
    bind: Option<String>,
    fresh: bool,
    speed: f64,
    no_twin: bool,
    kone: KoneArgs,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        speed.is_finite() && (0.1..=3600.0).contains(&speed),
        "--speed must be between 0.1 and 3600"
    );
    if fresh && config.database_url.is_none() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(config.data_dir.join(format!("demo.db{suffix}")));
        }
    }
    let url = config.database_url_or("demo.db")?;
    let db = Db::open(&url).await?;
    let clock = Arc::new(SystemClock);
    let seeded_now = !demo::is_seeded(&db).await?;
    if seeded_now {
        println!("Seeding the demo fleet and its two years of history…");
        let started = std::time::Instant::now();
        let logins = demo::seed_with(
            &db,
            Actor {
                user_id: None,
                at: clock.now(),
            },
            true,
        )
        .await?;
        println!("Seeded in {:.1} s.", started.elapsed().as_secs_f64());
        println!("Demo logins (password for all: {DEMO_PASSWORD}):");
        for l in &logins {
            println!(
                "  {:<42} {:<17} {}",
                l.email,
                l.role.as_str(),
                l.customer.as_deref().unwrap_or("service company")
            );
        }
    } else {
        println!("Demo data already present (use --fresh to reseed). Password for all demo logins: {DEMO_PASSWORD}");
        println!("  e.g. provider.admin@hoistway.example, customer.admin@nordictowers.example");
    }
    // Detached: runs for the life of the process. Started after the seed:
    // checkpointing while the seed writes only competes with it for the
    // two cores; the first checkpoint then folds the seed's WAL in.
    let _ = db.spawn_wal_checkpointer(std::time::Duration::from_secs(1));
    let (listener, addr) = bind_listener(&config.bind_or_default(bind)).await?;
    println!("\nHoistway demo running at http://{addr}/  (API: http://{addr}/api/v1/openapi.json)");
    println!("Sign in: curl -s -X POST http://{addr}/api/v1/auth/login -H 'content-type: application/json' \\");
    println!("           -d '{{\"email\":\"provider.admin@hoistway.example\",\"password\":\"{DEMO_PASSWORD}\"}}'");
    let tls = bind_tls(&kone).await?;
    let k = hoistway_demo::kone_client::ready(
        &db,
        Actor {
            user_id: None,
            at: clock.now(),
        },
    )
    .await?;
    println!(
        "\nKONE API v2 client (a new secret every start; point a KONE API client at this server):"
    );
    println!(
        "  CLIENT_ID={} CLIENT_SECRET={} BUILDING_ID={} GROUP_ID={} KEN={}",
        k.client_id, k.client_secret, k.building_id, k.group_id, k.ken
    );
    println!(
        "  WebSocket ids: buildingId building:{} groupId {}",
        k.building_id, k.group_id
    );
    if let Some(escalator) = &k.escalator_ken {
        println!("  Escalator (for the escalator-status example): KEN={escalator}");
    }
    println!("  API_AUTH_TOKEN_ENDPOINT=http://{addr}/api/v2/oauth2/token");
    println!("  API_RESOURCES_ENDPOINT=http://{addr}/api/v2/application/self/resources");
    println!("  WEBSOCKET_ENDPOINT=ws://{addr}/stream-v2");
    match &tls {
        Some(t) => println!(
            "  API_HOSTNAME={} (HTTPS; trust the CA of --tls-cert, e.g. NODE_EXTRA_CA_CERTS=ca.pem)",
            t.addr
        ),
        None => println!(
            "  Equipment and service-info endpoints need HTTPS: hoistway dev-cert --out-dir certs, then demo --tls-cert certs/cert.pem --tls-key certs/key.pem"
        ),
    }
    let mut settings = with_ws_limits(&kone, Settings::default())?;
    // Letters sent outside a request (surveys) link to where the demo runs.
    settings.public_url = Some(
        std::env::var("HOISTWAY_PUBLIC_URL")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| format!("http://{addr}")),
    );
    // The twin's clock runs ahead of the server's at `--speed`: its events
    // are "from the future" by design, so the demo accepts them.
    if speed > 1.0 {
        settings.connected.accept_ahead = chrono::Duration::days(3650);
    }
    // A demo's webhook receivers run on this machine.
    settings.webhooks.allow_private = true;
    let mut state = AppState::new(db, clock, settings);
    state.desk = Arc::new(config.desk.clone());
    start_jobs(config, &state)?;
    let scheduler = hoistway_jobs::spawn_maintenance_scheduler(state.clone());
    // The periodic connected-equipment jobs (offline detection, rollup
    // buckets, command timeouts, retention) run in the demo too; with the
    // twin, the feed starts them after its warm-up (see `feed::spawn`).
    let background = if no_twin {
        hoistway_connected::jobs::spawn(state.clone(), std::time::Duration::from_secs(5))
    } else {
        // A fresh demo's twin replays the hours before now first, so the
        // detectors know each unit's normal before the faults begin; a
        // continued demo picks up at now.
        let warm_up = if seeded_now {
            hoistway_demo::feed::WARM_UP
        } else {
            chrono::Duration::zero()
        };
        let (twin, units) = hoistway_demo::feed::fleet(&state, warm_up).await?;
        println!(
            "Live twin fleet: {} connected units streaming telemetry at {speed}x real time (after replaying the last {} h).",
            units.len(),
            warm_up.num_hours()
        );
        hoistway_demo::feed::spawn(state.clone(), twin, units, speed)
    };
    let result = serve_both(listener, tls, state).await;
    background.abort();
    scheduler.abort();
    result?;
    Ok(())
}

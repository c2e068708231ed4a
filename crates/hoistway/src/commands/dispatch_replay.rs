//! `hoistway evaluate dispatch`: the dispatch suggestions replayed over the
//! demo's two years of history (issue #21), for `docs/benchmarks.md`.
//! Each past case with a response due time is ranked again at the instant
//! it opened (`hoistway_store::on_call::replay`); the figure is how often
//! the top suggestion's predicted on-site time met the response SLA, beside
//! how often the history's own technician was on site in time.

use crate::config::Config;
use hoistway_domain::{Clock, SystemClock};
use hoistway_store::on_call::replay;
use hoistway_store::{Actor, Db};

pub async fn run(config: &Config) -> anyhow::Result<()> {
    let url = config.database_url_or("demo.db")?;
    let db = Db::open(&url).await?;
    if !hoistway_demo::is_seeded(&db).await? {
        println!("Seeding the demo fleet and its two years of history…");
        hoistway_demo::seed_with(
            &db,
            Actor {
                user_id: None,
                at: SystemClock.now(),
            },
            true,
        )
        .await?;
    }
    let started = std::time::Instant::now();
    let f = replay::replay(&db).await?;
    println!("cases replayed:                         {}", f.cases);
    println!(
        "top suggestion available with a prediction: {}",
        f.top_predicted
    );
    println!(
        "top suggestion meets the response SLA:  {} ({:.1} %)",
        f.top_meets_sla,
        f.top_meets_share()
    );
    println!(
        "history's technician on site in time:   {} ({:.1} %)",
        f.actual_met,
        f.actual_share()
    );
    println!("top suggestion was the one sent:        {}", f.top_was_sent);
    println!("per priority (cases, top meets SLA, history met SLA):");
    for (priority, (n, top, actual)) in &f.by_priority {
        println!("  {priority:<10} {n:>4} {top:>4} {actual:>4}");
    }
    println!("({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}

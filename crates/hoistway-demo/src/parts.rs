//! The demo's parts catalogue (issue #21): twenty-one parts across elevators,
//! escalators and automatic doors, the critical spares seed 000 names
//! (door operators, VVVF drives, controller CPUs) among them, with
//! plausible list prices and supplier lead times, and stock in three
//! depots. The parts the history's repairs need (`history::plan::part_for`)
//! are in it and in stock, so a replayed parts hold dated from the
//! catalogue waits one day, as the plan's depot orders do.

use hoistway_store::parts::{self, PartInput};
use hoistway_store::{Actor, Db, StoreError};

/// The depots that hold stock.
pub const DEPOTS: [&str; 3] = ["Vantaa", "Hamburg", "Chicago"];

/// One demo part: number, description, unit kinds, category, critical,
/// lead time in days, price in euro cents, stock per depot (in
/// [`DEPOTS`] order).
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    bool,
    i64,
    i64,
    [i64; 3],
);

const E: &[&str] = &["elevator"];
const S: &[&str] = &["escalator"];
const D: &[&str] = &["door"];
const ED: &[&str] = &["elevator", "door"];
const ALL: &[&str] = &["elevator", "escalator", "door"];

pub const CATALOGUE: [Row; 21] = [
    // The history's repairs (plan::part_for), all stocked.
    (
        "KM601230",
        "Car door roller set (4 rollers with bearings)",
        E,
        "wear",
        false,
        10,
        18_500,
        [24, 12, 8],
    ),
    (
        "KM713320",
        "Levelling sensor with magnet strip",
        E,
        "wear",
        false,
        14,
        31_000,
        [6, 4, 2],
    ),
    (
        "KM650120",
        "Hoisting motor thermal sensor and fan kit",
        E,
        "major",
        false,
        21,
        64_000,
        [3, 1, 1],
    ),
    (
        "KM964410",
        "VVVF drive power module, 22 kW",
        E,
        "major",
        true,
        42,
        485_000,
        [2, 1, 0],
    ),
    (
        "KM50025",
        "Main controller CPU board",
        ED,
        "major",
        true,
        35,
        296_000,
        [2, 1, 1],
    ),
    (
        "KM5071118",
        "Escalator brake lining set",
        S,
        "wear",
        false,
        14,
        42_000,
        [4, 3, 2],
    ),
    (
        "KM-LUBE-200",
        "Guide rail lubricant, 2 l",
        ALL,
        "wear",
        false,
        5,
        3_900,
        [60, 40, 30],
    ),
    // Critical spares with long lead times (seed 000).
    (
        "KM1388640",
        "Car door operator with motor and controller",
        E,
        "major",
        true,
        49,
        392_000,
        [1, 0, 0],
    ),
    (
        "KM964420",
        "VVVF drive, 11 kW, complete",
        E,
        "major",
        true,
        56,
        712_000,
        [0, 1, 0],
    ),
    (
        "KM1366210",
        "Escalator drive VVVF inverter",
        S,
        "major",
        true,
        63,
        845_000,
        [0, 0, 0],
    ),
    (
        "KM871233",
        "Automatic sliding door operator",
        D,
        "major",
        true,
        28,
        268_000,
        [1, 1, 0],
    ),
    (
        "KM1355999",
        "Machinery brake assembly",
        E,
        "major",
        true,
        42,
        318_000,
        [0, 1, 0],
    ),
    // Everyday wear parts.
    (
        "KM602590",
        "Door drive toothed belt",
        ED,
        "wear",
        false,
        7,
        7_800,
        [18, 9, 6],
    ),
    (
        "KM1353010",
        "Light curtain pair, 2000 mm",
        E,
        "wear",
        false,
        10,
        54_000,
        [5, 3, 2],
    ),
    (
        "KM1347066",
        "Landing push button with Braille, round",
        E,
        "wear",
        false,
        7,
        6_400,
        [40, 25, 12],
    ),
    (
        "KM1210020",
        "Guide shoe insert set (car, 4 pcs)",
        E,
        "wear",
        false,
        10,
        9_600,
        [20, 10, 6],
    ),
    (
        "KM1390015",
        "Suspension belt, coated steel, per metre",
        E,
        "major",
        false,
        35,
        8_900,
        [0, 120, 0],
    ),
    (
        "KM5101240",
        "Escalator step chain, per link section",
        S,
        "major",
        false,
        42,
        112_000,
        [0, 2, 0],
    ),
    (
        "KM5120031",
        "Escalator handrail, per metre",
        S,
        "wear",
        false,
        28,
        21_500,
        [15, 30, 0],
    ),
    (
        "KM5089902",
        "Comb plate segment, aluminium",
        S,
        "wear",
        false,
        7,
        4_800,
        [30, 20, 10],
    ),
    (
        "KM1402100",
        "Automatic door motion and presence sensor",
        D,
        "wear",
        false,
        14,
        38_000,
        [6, 4, 3],
    ),
];

/// Adds the catalogue and its stock through the store, audited like any
/// admin's changes.
pub async fn seed(db: &Db, actor: Actor) -> Result<(), StoreError> {
    for (number, description, kinds, category, critical, lead, price, stock) in CATALOGUE {
        let part = parts::create(
            db,
            actor,
            PartInput {
                part_number: number.into(),
                description: description.into(),
                unit_kinds: kinds.iter().map(|k| k.to_string()).collect(),
                category: category.into(),
                critical,
                lead_time_days: lead,
                unit_price_minor: price,
                currency: "EUR".into(),
            },
        )
        .await?;
        // A depot without the part has no row (not a row of 0).
        for (depot, quantity) in DEPOTS.iter().zip(stock).filter(|(_, q)| *q > 0) {
            parts::set_stock(db, actor, part.id, depot, quantity).await?;
        }
    }
    Ok(())
}

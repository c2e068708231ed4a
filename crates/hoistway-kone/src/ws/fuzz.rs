//! Fuzz target of the `/stream-v2` frame handler (see [`hoistway_app::fuzz`]):
//! any text frame, JSON or not, gets at least one answer that is a JSON
//! object echoing a request id, and nothing panics.

use super::*;
use hoistway_app::fuzz::cases;
use hoistway_store::api_clients::ApiClient;
use proptest::prelude::*;

/// Frames shaped like the contract's requests, with wrong and missing
/// parts, beside arbitrary text.
fn frame() -> impl Strategy<Value = String> {
    let kind = prop::sample::select(vec![
        "lift-call-api-v2",
        "site-monitoring",
        "common-api",
        "create-session",
        "resume-session",
        "bogus",
        "",
    ]);
    let call_type = prop::sample::select(vec![
        "action",
        "delete",
        "hold_open",
        "ping",
        "config",
        "actions",
        "monitor",
        "x",
    ]);
    let value = prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::from),
        Just(Value::Null),
        Just(json!({"area": 1000, "action": 2, "destination": 3000})),
        Just(json!(["+/position", "call_state/x/fixed"])),
    ];
    let key = prop::sample::select(vec![
        "area",
        "time",
        "action",
        "destination",
        "request_id",
        "session_id",
        "group_size",
        "delay",
        "language",
        "call_replacement_priority",
        "subtopics",
        "duration",
        "lift_deck",
        "served_area",
        "hard_time",
        "soft_time",
    ]);
    let structured = (
        kind,
        call_type,
        prop_oneof![Just("building:1".to_string()), "\\PC{0,12}"],
        prop_oneof![Just("1".to_string()), "\\PC{0,4}"],
        prop::collection::vec((key, value.clone()), 0..6),
        proptest::option::of(value),
    )
        .prop_map(|(kind, call_type, building, group, fields, request_id)| {
            let payload: Map<String, Value> = fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            let mut m = json!({
                "type": kind, "callType": call_type, "buildingId": building,
                "groupId": group, "payload": payload,
            });
            if let Some(r) = request_id {
                m["requestId"] = r;
            }
            m.to_string()
        });
    prop_oneof![
        structured,
        "\\PC{0,200}",
        Just("{}".into()),
        Just("[]".into())
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1_000)))]

    #[test]
    fn every_frame_gets_a_json_answer(frames in prop::collection::vec(frame(), 1..4)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let state = fuzz_state().await;
            let (tx, _rx) = mpsc::channel::<Out>(QUEUE);
            let id = connection_id();
            let mut conn = Conn {
                outlet: Outlet::new(&id, tx.clone()),
                id,
                state,
                caller: caller(),
                tx,
                session: None,
                private: Vec::new(),
                request_ids: HashSet::new(),
            };
            for f in &frames {
                let replies = conn.handle(f).await;
                prop_assert!(!replies.is_empty(), "no answer to {}", f);
                for r in &replies {
                    prop_assert!(r.is_object(), "{} → {}", f, r);
                }
            }
            conn.closed();
            Ok(())
        })?;
    }
}

/// One database for every case (a fresh one per case would dominate).
async fn fuzz_state() -> AppState {
    static DB: tokio::sync::OnceCell<hoistway_store::Db> = tokio::sync::OnceCell::const_new();
    let db = DB
        .get_or_init(|| async {
            let dir = std::env::temp_dir().join(format!("hoistway-ws-fuzz-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            hoistway_store::Db::open(&format!("sqlite://{}", dir.join("fuzz.db").display()))
                .await
                .unwrap()
        })
        .await
        .clone();
    AppState::new(
        db,
        Arc::new(hoistway_domain::SystemClock),
        hoistway_app::state::Settings::default(),
    )
}

fn caller() -> ApiCaller {
    ApiCaller {
        client: ApiClient {
            id: 1,
            customer_id: 1,
            name: "fuzz".into(),
            client_id: "fuzz".into(),
            created_at: chrono::Utc::now(),
            revoked_at: None,
        },
        scopes: vec![
            "application/inventory".into(),
            "callgiving/group:building:1:1".into(),
        ],
        claims: crate::token::Claims {
            app: 1,
            cus: 1,
            scope: "application/inventory callgiving/group:building:1:1".into(),
            iat: 0,
            exp: i64::MAX,
            sub: None,
            once: None,
            limited: false,
        },
    }
}

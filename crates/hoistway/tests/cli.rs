//! The real binary, as an operator would use it: bootstrap a user, import
//! an asset register with bad rows, serve over TCP and sign in, migrate a
//! PostgreSQL database.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn hoistway() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoistway"));
    c.env_remove("HOISTWAY_DATABASE_URL")
        .env("HOISTWAY_LOG_LEVEL", "warn");
    c
}

fn run(cmd: &mut Command, stdin: &str) -> (bool, String, String) {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn bootstrap_import_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/cli.db", dir.path().display());

    let (ok, out, err) = run(
        hoistway().args([
            "user",
            "add",
            "--email",
            "boss@example.com",
            "--name",
            "Boss",
            "--role",
            "provider_admin",
            "--password-stdin",
            "--database-url",
            &url,
        ]),
        "a long enough secret\n",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("provider_admin"), "{out}");
    let (ok, _, err) = run(
        hoistway().args([
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "finance",
            "--database-url",
            &url,
        ]),
        "",
    );
    assert!(
        !ok && err.contains("customer"),
        "a finance user needs a customer: {err}"
    );

    // Serve on a free port and create a customer and building through the API.
    let mut server = hoistway()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--log-level",
            "info",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(i) = line.find("addr=") {
            break line[i + 5..].split_whitespace().next().unwrap().to_string();
        }
    };
    let base = format!("http://{addr}");
    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args(["-s", "-w", "\n%{http_code}"])
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let (body, code) = text.rsplit_once('\n').unwrap();
        (
            code.to_string(),
            serde_json::from_str::<serde_json::Value>(body).unwrap_or_default(),
        )
    };
    let (code, login) = curl(&[
        "-X",
        "POST",
        &format!("{base}/api/v1/auth/login"),
        "-H",
        "content-type: application/json",
        "-d",
        r#"{"email":"boss@example.com","password":"a long enough secret"}"#,
    ]);
    assert_eq!(code, "200", "{login}");
    let auth = format!("authorization: Bearer {}", login["token"].as_str().unwrap());
    let (code, customer) = curl(&[
        "-X",
        "POST",
        &format!("{base}/api/v1/customers"),
        "-H",
        &auth,
        "-H",
        "content-type: application/json",
        "-d",
        r#"{"name":"Import Co"}"#,
    ]);
    assert_eq!(code, "201");
    let customer_id = customer["id"].as_i64().unwrap();
    let building = format!(
        r#"{{"customer_id":{customer_id},"name":"Depot","address":"Road 1","country":"SE","timezone":"Europe/Stockholm"}}"#
    );
    let (code, _) = curl(&[
        "-X",
        "POST",
        &format!("{base}/api/v1/buildings"),
        "-H",
        &auth,
        "-H",
        "content-type: application/json",
        "-d",
        &building,
    ]);
    assert_eq!(code, "201");
    let (code, _) = curl(&[&format!("{base}/readyz")]);
    assert_eq!(code, "200");
    server.kill().unwrap();
    let _ = server.wait();

    // Import: two good rows, three bad ones, each reported with its line.
    let csv = "building,kind,equipment_number,manufacturer,install_date,connected\n\
               Depot,elevator,ken:1001,KONE,2015-04-01,yes\n\
               Depot,lift,ken:1002,KONE,2015-04-01,no\n\
               Nowhere,door,ken:1003,KONE,,\n\
               Depot,door,ken:1004,KONE,2015-13-01,\n\
               Depot,escalator,ken:1005,,,\n";
    let file = dir.path().join("register.csv");
    std::fs::write(&file, csv).unwrap();
    let (ok, out, err) = run(
        hoistway().args([
            "import",
            "units",
            file.to_str().unwrap(),
            "--customer",
            &customer_id.to_string(),
            "--database-url",
            &url,
        ]),
        "",
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("imported 2 units, 3 rows refused"), "{out}");
    assert!(
        err.contains("line 3:") && err.contains("elevator, escalator, door"),
        "{err}"
    );
    assert!(err.contains("line 4:") && err.contains("Nowhere"), "{err}");
    assert!(
        err.contains("line 5:") && err.contains("install_date"),
        "{err}"
    );
}

#[test]
fn migrate_on_postgres() {
    let Ok(admin) = std::env::var("HOISTWAY_TEST_POSTGRES") else {
        assert!(
            std::env::var("HOISTWAY_REQUIRE_POSTGRES").is_err(),
            "PostgreSQL required"
        );
        return;
    };
    let name = format!("hoistway_cli_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args([admin.as_str(), "-qc", sql])
            .output()
            .unwrap()
    };
    psql(&format!("DROP DATABASE IF EXISTS {name}"));
    assert!(psql(&format!("CREATE DATABASE {name}")).status.success());
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let (ok, out, err) = run(
        hoistway().arg("migrate").env("HOISTWAY_DATABASE_URL", &url),
        "",
    );
    assert!(ok, "{out}{err}");
    let (ok, _, err) = run(
        hoistway()
            .args([
                "user",
                "add",
                "--email",
                "pg@example.com",
                "--name",
                "P",
                "--role",
                "operator",
            ])
            .env("HOISTWAY_DATABASE_URL", &url),
        "",
    );
    assert!(ok, "{err}");
    let count = Command::new("psql")
        .args([url.as_str(), "-tAc", "SELECT count(*) FROM users"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&count.stdout).trim(), "1");
    psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}

#[test]
fn twin_study_and_analyze_keep_their_fixed_shapes() {
    let building = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/buildings/office-10.toml"
    );
    let (ok, out, err) = run(
        hoistway().args([
            "twin",
            "study",
            "--building",
            building,
            "--pattern",
            "up-peak",
            "--minutes",
            "30",
            "--json",
        ]),
        "",
    );
    assert!(ok, "{err}");
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    for key in [
        "rtt_s",
        "interval_s",
        "hc5_persons",
        "awt_s",
        "floors_above_main",
        "floor_height_m",
        "rated_speed_mps",
        "avg_car_load",
        "performance_time_s",
        "transfer_time_s",
    ] {
        assert!(report[key].is_number(), "{key} missing in {report}");
    }
    assert_eq!(report["floors_above_main"], 10);
    let (ok, _, err) = run(
        hoistway().args([
            "twin",
            "study",
            "--building",
            building,
            "--pattern",
            "sideways",
        ]),
        "",
    );
    assert!(!ok && err.contains("pattern"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("series.csv");
    let mut csv = String::from("timestamp,value\n");
    // The detectors learn a baseline over the first ~530 samples.
    for i in 0..800 {
        let v = if i < 700 {
            3000.0 + (i % 7) as f64 * 10.0
        } else {
            4200.0
        };
        csv.push_str(&format!(
            "2026-01-{:02}T{:02}:{:02}:00Z,{v}\n",
            1 + i / 1440,
            (i / 60) % 24,
            i % 60
        ));
    }
    std::fs::write(&input, csv).unwrap();
    let (ok, out, err) = run(
        hoistway().args(["analyze", "--input", input.to_str().unwrap()]),
        "",
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "timestamp,value,score,label");
    assert_eq!(lines.len(), 801, "one output row per input row");
    let labelled: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap())
        .collect();
    assert!(
        labelled[..700].iter().all(|l| *l == "0"),
        "stationary part stays quiet"
    );
    assert!(labelled[700..].contains(&"1"), "the shift is found");
}

/// `hoistway analyze` reads the exports people have: `;` separated, a
/// `datetime` column in local time, several value columns.
#[test]
fn analyze_reads_local_times_semicolons_and_several_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("pump.csv");
    let mut csv = String::from("datetime;Temperature;Current\n");
    for i in 0..900 {
        let hot = if i >= 700 { 15.0 } else { (i % 5) as f64 * 0.2 };
        csv.push_str(&format!(
            "2026-03-01 {:02}:{:02}:{:02};{};{}\n",
            i / 3600,
            (i / 60) % 60,
            i % 60,
            60.0 + hot,
            2.0 + (i % 3) as f64 * 0.1
        ));
    }
    std::fs::write(&input, csv).unwrap();
    let path = input.to_str().unwrap();
    let (ok, out, err) = run(
        hoistway().args([
            "analyze",
            "--input",
            path,
            "--columns",
            "Temperature,Current",
            "--timezone",
            "Europe/Helsinki",
        ]),
        "",
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "timestamp,value,score,label");
    assert_eq!(lines.len(), 901);
    assert_eq!(
        lines[1], "2026-03-01 00:00:00,60,0.0000,0",
        "value is the first column"
    );
    assert!(
        lines[701..].iter().any(|l| l.ends_with(",1")),
        "the rise is found"
    );
    assert!(
        err.contains("900 rows") && err.contains("warm-up") && err.contains("1 alarm episodes"),
        "{err}"
    );
    let (ok, _, err) = run(
        hoistway().args(["analyze", "--input", path, "--timezone", "Mars/Olympus"]),
        "",
    );
    assert!(!ok && err.contains("Mars/Olympus"), "{err}");
    let (ok, _, err) = run(hoistway().args(["analyze", "--input", path]), "");
    assert!(!ok && err.contains("`value`"), "{err}");
}

/// `hoistway api-client add` prints credentials that the real server's
/// token endpoint accepts (SPEC fixed shape: `client_id`, `client_secret`).
#[test]
fn api_client_add_prints_working_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/cli.db", dir.path().display());
    // A customer to attach the application to, written through the store.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let customer = rt.block_on(async {
        let db = hoistway_store::Db::open(&url).await.unwrap();
        let actor = hoistway_store::Actor {
            user_id: None,
            at: chrono::Utc::now(),
        };
        hoistway_store::customers::create(
            &db,
            &hoistway_domain::Scope::All,
            actor,
            hoistway_store::customers::CustomerInput {
                name: "Robots Oy".into(),
                contact_email: None,
                contact_phone: None,
            },
        )
        .await
        .unwrap()
        .id
    });

    let args = |json: bool| {
        let mut a = vec![
            "api-client".to_string(),
            "add".into(),
            "--customer".into(),
            customer.to_string(),
            "--name".into(),
            "Delivery robots".into(),
            "--database-url".into(),
            url.clone(),
        ];
        if json {
            a.push("--json".into());
        }
        a
    };
    let (ok, out, err) = run(hoistway().args(args(false)), "");
    assert!(ok, "{out}{err}");
    let field = |name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} line in {out}"))
            .to_string()
    };
    let (client_id, secret) = (field("client_id"), field("client_secret"));
    let (ok, json_out, err) = run(hoistway().args(args(true)), "");
    assert!(ok, "{json_out}{err}");
    let v: serde_json::Value = serde_json::from_str(json_out.trim()).unwrap();
    assert!(v["client_id"].is_string() && v["client_secret"].is_string());
    assert_ne!(v["client_id"], client_id.as_str());
    // An unknown customer is refused.
    let (ok, _, err) = run(
        hoistway().args([
            "api-client",
            "add",
            "--customer",
            "999999",
            "--name",
            "x",
            "--database-url",
            &url,
        ]),
        "",
    );
    assert!(!ok && err.contains("customer"), "{err}");

    // The real server issues a token for them (curl sends the form like axios).
    let mut server = hoistway()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--log-level",
            "info",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(i) = line.find("addr=") {
            break line[i + 5..].split_whitespace().next().unwrap().to_string();
        }
    };
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}", "-u"])
        .arg(format!("{client_id}:{secret}"))
        .args(["-d", "grant_type=client_credentials", "-d", "scope="])
        .arg(format!("http://{addr}/api/v2/oauth2/token"))
        .output()
        .unwrap();
    server.kill().unwrap();
    let _ = server.wait();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap();
    assert_eq!(code, "200", "{body}");
    let token: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(token["scope"], "application/inventory");
    assert!(token["access_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
}

#[test]
fn train_fits_a_risk_model_on_the_twins_labelled_days() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("model.json");
    let (ok, stdout, stderr) = run(
        hoistway().args([
            "train",
            "--days",
            "3",
            "--groups",
            "2",
            "--out",
            out.to_str().unwrap(),
        ]),
        "",
    );
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("labelled failing within a week"),
        "{stdout}"
    );
    let model = hoistway_analytics::risk::Model::from_json(&std::fs::read_to_string(&out).unwrap())
        .expect("the written model has this build's features");
    assert!(model.weights.iter().all(|w| w.is_finite()) && model.bias.is_finite());
    // The twin's failing days carry drive faults: the fault count weighs in.
    assert!(model.weights[4] > 0.0, "{model:?}");
    let (ok, _, stderr) = run(
        hoistway().args(["train", "--days", "1", "--out", "x.json"]),
        "",
    );
    assert!(!ok && stderr.contains("--days"), "{stderr}");

    // The same seed gives the same model: the shipped file is reproducible.
    let again = dir.path().join("again.json");
    let (ok, _, stderr) = run(
        hoistway().args([
            "train",
            "--days",
            "3",
            "--groups",
            "2",
            "--out",
            again.to_str().unwrap(),
        ]),
        "",
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        std::fs::read_to_string(&again).unwrap()
    );

    // `serve --risk-model` refuses a file that is not a model of this
    // build, naming the flag, before it serves anything.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"features":["x"],"weights":[1.0],"bias":0}"#).unwrap();
    let db = format!("sqlite://{}", dir.path().join("h.db").display());
    let (ok, _, stderr) = run(
        hoistway().args([
            "serve",
            "--database-url",
            &db,
            "--bind",
            "127.0.0.1:0",
            "--risk-model",
            bad.to_str().unwrap(),
        ]),
        "",
    );
    assert!(!ok && stderr.contains("--risk-model"), "{stderr}");
}

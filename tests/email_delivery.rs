//! Email over real SMTP: a local aiosmtpd server receives the invitation and its link
//! works; while the server is down the message waits and retries, and it is delivered
//! exactly once when the server comes back.

mod common;

use std::{path::Path, process::Stdio, time::Duration};

use common::{PASSWORD, migrated_pool, spawn_app, spawn_app_with_settings, token_in};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A local SMTP server that stores what it receives in a Maildir.
fn smtp_sink(port: u16, maildir: &Path) -> tokio::process::Child {
    tokio::process::Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 -m aiosmtpd (pip install aiosmtpd; scripts/test.sh installs it)")
}

fn received(maildir: &Path) -> Vec<String> {
    std::fs::read_dir(maildir.join("new"))
        .map(|entries| {
            entries
                .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The message as text, quoted-printable soft line breaks undone.
fn unfold(raw: &str) -> String {
    raw.replace("=\r\n", "").replace("=\n", "")
}

#[tokio::test]
async fn invitations_wait_for_smtp_and_arrive_exactly_once() {
    let port = free_port();
    let pool = migrated_pool().await;
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = spawn_app_with_settings(pool.clone(), &[("SMTP_URL", &smtp_url)]).await;

    // An owner with an organization, signed in.
    let owner = uuid::Uuid::new_v4();
    let hash = app::accounts::password::hash(PASSWORD.to_owned())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (id, name, email, password_hash, email_verified_at)
         VALUES ($1, 'Olive Owner', 'olive@example.com', $2, now())",
    )
    .bind(owner)
    .bind(hash)
    .execute(&pool)
    .await
    .unwrap();
    app::tenancy::provision_owned(&pool, "Works Ltd", "works", owner)
        .await
        .unwrap();
    let res = app
        .call(
            "log_in",
            &[("email", "olive@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());

    // SMTP is down: the invitation is accepted for delivery all the same.
    let res = app
        .call(
            "invite_member",
            &[
                ("slug", "works"),
                ("email", "new@example.com"),
                ("role", "member"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let mut failed = 0i64;
    for _ in 0..100 {
        failed = sqlx::query_scalar(
            "SELECT count(*) FROM underway.task_attempt WHERE task_queue_name = 'email' AND state = 'failed'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if failed > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed > 0, "a delivery attempt failed while SMTP was down");
    // While it waits, the queue holds recipient and subject but no link.
    let waiting: serde_json::Value =
        sqlx::query_scalar("SELECT input FROM underway.task WHERE task_queue_name = 'email'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(waiting["step_input"]["to"], "new@example.com");
    assert!(waiting["step_input"]["bodies"].is_string());
    assert!(!waiting.to_string().contains("/invite/"), "{waiting}");

    // SMTP comes back: the retry delivers it.
    let dir = tempfile::tempdir().unwrap();
    // Python's Maildir creates its folders only when the path does not exist yet.
    let maildir = dir.path().join("maildir");
    let _sink = smtp_sink(port, &maildir);
    let mut messages = Vec::new();
    for _ in 0..300 {
        messages = received(&maildir);
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(messages.len(), 1, "delivered after the outage");
    let message = unfold(&messages[0]);
    assert!(message.contains("To: new@example.com"), "{message}");
    assert!(
        message.contains("multipart/alternative"),
        "HTML and text parts"
    );
    assert!(message.contains("text/html"));

    // The link in the email works: the colleague signs up and joins.
    let token = token_in(&message, "/invite/");
    let colleague = app.other_browser();
    let res = colleague
        .call(
            "sign_up",
            &[
                ("name", "Nia New"),
                ("email", "new@example.com"),
                ("password", PASSWORD),
                ("invitation", &token),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let res = colleague
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);

    // Nothing sent twice, and the delivered copy no longer holds the link.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(received(&maildir).len(), 1);
    let (state, input): (String, serde_json::Value) = sqlx::query_as(
        "SELECT state::text, input FROM underway.task WHERE task_queue_name = 'email'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(state, "succeeded");
    let res = app
        .client
        .get(app.url("/dev/mailbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        reqwest::StatusCode::NOT_FOUND,
        "no dev mailbox beside SMTP"
    );
    assert!(!input.to_string().contains(&token), "{input}");
    assert_eq!(input["step_input"]["to"], "new@example.com");
}

#[tokio::test]
async fn without_smtp_the_dev_mailbox_lists_and_shows_each_email() {
    let app = spawn_app().await;
    app.call(
        "sign_up",
        &[
            ("name", "Dev <b>"),
            ("email", "dev@example.com"),
            ("password", PASSWORD),
        ],
    )
    .await;
    app.wait_for_email("dev@example.com", 1).await;
    let id = app.emails_to("dev@example.com").await[0].id;
    let list = app
        .client
        .get(app.url("/dev/mailbox"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), reqwest::StatusCode::OK);
    let list = list.text().await.unwrap();
    assert!(list.contains("dev@example.com") && list.contains("Confirm your email address"));

    let html = app
        .client
        .get(app.url(&format!("/dev/mailbox/{id}.html")))
        .send()
        .await
        .unwrap();
    let csp = html.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script"),
        "{csp}"
    );
    let html = html.text().await.unwrap();
    assert!(html.contains("Hello Dev &lt;b&gt;,"), "names are escaped");
    let text = app.page(&format!("/dev/mailbox/{id}.txt")).await;
    assert!(text.contains("/verify-email?token="));
    for bad in ["nope.html", "../../etc/passwd.txt", &format!("{id}.json")] {
        let res = app
            .client
            .get(app.url(&format!("/dev/mailbox/{bad}")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn the_worker_stops_when_asked() {
    let pool = migrated_pool().await;
    let dir = tempfile::tempdir().unwrap();
    let settings = common::test_settings(dir.path(), &[]);
    let outbox = capliquify::worker::outbox(&settings, &pool).unwrap();
    let worker = outbox.start_worker();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Generous: this checks that shutdown finishes at all (a hang here once kept
    // `serve` from exiting on SIGTERM), not how fast.
    let stopped = tokio::time::timeout(Duration::from_secs(60), worker.shutdown()).await;
    assert!(matches!(stopped, Ok(Ok(()))), "{stopped:?}");
}

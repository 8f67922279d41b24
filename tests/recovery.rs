//! Password reset: single-use, expiring links that end every other session.

mod common;

use common::{PASSWORD, TestApp, spawn_app, token_in};
use reqwest::StatusCode;
use serde_json::Value;

const NEW_PASSWORD: &str = "an entirely new password";

async fn signed_in(app: &TestApp) -> bool {
    !app.call("get_current_user", &[])
        .await
        .json::<Value>()
        .await
        .unwrap()
        .is_null()
}

async fn reset_token(app: &TestApp, email: &str, nth: usize) -> String {
    let res = app
        .call("request_password_reset", &[("email", email)])
        .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    let message = app.wait_for_email(email, nth).await;
    assert!(
        message.subject.contains("Reset your"),
        "{}",
        message.subject
    );
    token_in(&message.text, "/reset-password?token=")
}

fn ok(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

#[tokio::test]
async fn a_reset_changes_the_password_once_and_ends_other_sessions() {
    let app = spawn_app().await;
    app.sign_up_verified("Grace", "grace@example.com").await;
    assert!(signed_in(&app).await);

    // Someone who forgot: another browser asks for the link.
    let other = app.other_browser();
    let token = reset_token(&other, "grace@example.com", 2).await;

    // A rejected password leaves the link usable.
    let res = other
        .call(
            "reset_password",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = other
        .call(
            "reset_password",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    assert!(
        signed_in(&other).await,
        "the resetting browser is signed in"
    );
    assert!(!signed_in(&app).await, "the older session has ended");

    // Used once only.
    let res = other
        .call(
            "reset_password",
            &[("token", &token), ("password", "yet another password")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let third = app.other_browser();
    let old = third
        .call(
            "log_in",
            &[("email", "grace@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let new = third
        .call(
            "log_in",
            &[("email", "grace@example.com"), ("password", NEW_PASSWORD)],
        )
        .await;
    assert!(ok(&new), "{}", new.status());

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert!(actions.contains(&"user.password_reset_requested".to_owned()));
    assert!(actions.contains(&"user.password_reset".to_owned()));
}

#[tokio::test]
async fn a_new_password_voids_every_outstanding_link() {
    let app = spawn_app().await;
    app.sign_up_verified("Hopper", "hopper@example.com").await;
    let first = reset_token(&app, "hopper@example.com", 2).await;
    // Past the one-a-minute limit on reset emails.
    sqlx::query("UPDATE account_tokens SET created_at = created_at - interval '2 minutes'")
        .execute(&app.pool)
        .await
        .unwrap();
    let second = reset_token(&app, "hopper@example.com", 3).await;
    assert_ne!(first, second);

    let res = app
        .call(
            "reset_password",
            &[("token", &second), ("password", NEW_PASSWORD)],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    let res = app
        .call(
            "reset_password",
            &[("token", &first), ("password", "a third password!")],
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "void once the password changed"
    );
}

#[tokio::test]
async fn reset_links_expire_after_an_hour_and_unknown_addresses_get_the_same_answer() {
    let app = spawn_app().await;
    app.sign_up_verified("Ida", "ida@example.com").await;
    let token = reset_token(&app, "ida@example.com", 2).await;
    let lifetime: f64 = sqlx::query_scalar(
        "SELECT extract(epoch FROM expires_at - created_at)::float8 FROM account_tokens WHERE purpose = 'reset_password'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!((lifetime - 3600.0).abs() < 5.0, "{lifetime}");
    sqlx::query("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .call(
            "reset_password",
            &[("token", &token), ("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let known = app
        .call("request_password_reset", &[("email", "ida@example.com")])
        .await;
    let unknown = app
        .call("request_password_reset", &[("email", "nobody@example.com")])
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.headers().get("location"),
        unknown.headers().get("location")
    );
    let bad = app
        .call("request_password_reset", &[("email", "not an address")])
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_dead_reset_link_is_refused_before_any_password_is_hashed() {
    let app = spawn_app().await;
    let calls = 16;
    let hashing = {
        let started = std::time::Instant::now();
        futures::future::join_all(
            (0..calls).map(|_| app::accounts::password::hash(NEW_PASSWORD.to_owned())),
        )
        .await;
        started.elapsed()
    };
    let started = std::time::Instant::now();
    let answers = futures::future::join_all((0..calls).map(|i| {
        let browser = app.other_browser();
        async move {
            let token = format!("no-such-link-{i}");
            browser
                .call(
                    "reset_password",
                    &[("token", token.as_str()), ("password", NEW_PASSWORD)],
                )
                .await
                .status()
        }
    }))
    .await;
    let refused = started.elapsed();
    assert!(
        answers.iter().all(|s| *s == StatusCode::CONFLICT),
        "{answers:?}"
    );
    assert!(
        refused < hashing / 2,
        "{calls} dead links took {refused:?}; {calls} hashes take {hashing:?}"
    );
}

//! A past-due organization is read-only everywhere: its tenant data and its rows on the
//! platform (API keys, members, invitations, the onboarding wizard) alike; withdrawing
//! access, reading, paying and signing out stay open.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

async fn refused(res: reqwest::Response) {
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "read_only", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("read-only"),
        "{body}"
    );
}

#[tokio::test]
async fn a_past_due_organization_changes_nothing_but_may_withdraw_access() {
    let app = spawn_app().await;
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    let res = app
        .call(
            "create_organization",
            &[("name", "Works Ltd"), ("slug", "works")],
        )
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'enterprise' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    let key: Value = app
        .call(
            "create_api_key",
            &[("slug", "works"), ("name", "ERP"), ("scope", "read")],
        )
        .await
        .json()
        .await
        .unwrap();
    app.call(
        "invite_member",
        &[
            ("slug", "works"),
            ("email", "ian@example.com"),
            ("role", "member"),
        ],
    )
    .await;
    let invitation = common::token_in(
        &app.wait_for_email("ian@example.com", 1).await.text,
        "/invite/",
    );
    let invitee = app.other_browser();
    invitee
        .sign_up_verified("Ian Invitee", "ian@example.com")
        .await;
    let member = common::member_of(&app.pool, "works", "member").await;

    sqlx::query("UPDATE tenants SET status = 'past_due' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    let before = (
        count(&app, "SELECT count(*) FROM api_keys").await,
        count(&app, "SELECT count(*) FROM invitations").await,
        count(&app, "SELECT count(*) FROM memberships").await,
    );

    refused(
        app.call(
            "create_api_key",
            &[("slug", "works"), ("name", "Other"), ("scope", "read")],
        )
        .await,
    )
    .await;
    refused(
        app.call(
            "invite_member",
            &[
                ("slug", "works"),
                ("email", "new@example.com"),
                ("role", "viewer"),
            ],
        )
        .await,
    )
    .await;
    refused(
        app.call(
            "change_member_role",
            &[
                ("slug", "works"),
                ("user_id", &member.to_string()),
                ("role", "admin"),
            ],
        )
        .await,
    )
    .await;
    refused(
        app.call(
            "transfer_ownership",
            &[("slug", "works"), ("user_id", &member.to_string())],
        )
        .await,
    )
    .await;
    refused(
        app.call("set_onboarding_step", &[("slug", "works"), ("step", "3")])
            .await,
    )
    .await;
    refused(
        invitee
            .call("accept_invitation", &[("token", &invitation)])
            .await,
    )
    .await;
    assert_eq!(
        before,
        (
            count(&app, "SELECT count(*) FROM api_keys").await,
            count(&app, "SELECT count(*) FROM invitations").await,
            count(&app, "SELECT count(*) FROM memberships").await,
        ),
        "nothing changed"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM memberships WHERE role = 'admin'"
        )
        .await,
        0
    );

    // Reading, withdrawing access and the billing page stay open.
    assert_eq!(
        app.call("list_members", &[("slug", "works")])
            .await
            .status(),
        StatusCode::OK
    );
    let res = app
        .call(
            "revoke_api_key",
            &[("slug", "works"), ("id", key["id"].as_str().unwrap())],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let res = app
        .call(
            "remove_member",
            &[("slug", "works"), ("user_id", &member.to_string())],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert_eq!(
        app.call("get_billing", &[("slug", "works")]).await.status(),
        StatusCode::OK
    );
    let res = app.call("log_out", &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::AppError;

/// Words a new organization may not take as its slug: they name parts of the site
/// (a route such as `/app/new` would hide the organization's page) or would mislead as
/// a subdomain.
pub const RESERVED_SLUGS: &[&str] = &[
    "new",
    "edit",
    "invite",
    "operators",
    "developers",
    "templates",
    "export",
    "import",
    "contact",
    "faq",
    "terms",
    "privacy",
    "check-email",
    "verify-email",
    "forgot-password",
    "reset-password",
    "sitemap",
    "robots",
    "admin",
    "api",
    "app",
    "www",
    "static",
    "assets",
    "pkg",
    "auth",
    "login",
    "logout",
    "signup",
    "register",
    "billing",
    "pricing",
    "help",
    "support",
    "status",
    "docs",
    "blog",
    "mail",
    "email",
    "dev",
    "health",
    "ready",
    "webhooks",
    "public",
    "root",
    "system",
    "settings",
    "account",
    "capliquify",
];

/// A tenant's URL name: 3 to 40 lowercase letters, digits and hyphens, starting and
/// ending with a letter or digit; a new organization's is also not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// The slug of a new organization: well formed and not reserved.
    pub fn parse_new(input: &str) -> Result<Self, AppError> {
        let slug = Self::parse(input)?;
        if RESERVED_SLUGS.contains(&input) {
            return Err(AppError::invalid(
                "slug",
                "That name is reserved; please choose another.",
            ));
        }
        Ok(slug)
    }

    /// A well-formed slug, for looking an organization up (one made before a word
    /// was reserved stays reachable).
    pub fn parse(input: &str) -> Result<Self, AppError> {
        let invalid = |message: &str| Err(AppError::invalid("slug", message));
        if input.chars().count() < 3 || input.chars().count() > 40 {
            return invalid("Use 3 to 40 characters.");
        }
        if !input
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return invalid("Use only lowercase letters, digits and hyphens.");
        }
        if input.starts_with('-') || input.ends_with('-') {
            return invalid("Start and end with a letter or digit.");
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_slugs() {
        for ok in ["acme", "acme-gmbh", "a1b", "x".repeat(40).as_str(), "123"] {
            assert!(Slug::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_hostile_and_malformed_slugs() {
        for bad in [
            "",
            "ab",
            &"x".repeat(41),
            "Acme",
            "acme_co",
            "acme co",
            "-acme",
            "acme-",
            "acme'; DROP SCHEMA public; --",
            "acmé",
            "ac\u{202e}me",
            "tenant\"x",
        ] {
            let err = Slug::parse_new(bad).unwrap_err();
            assert!(
                matches!(&err, AppError::Validation { fields, .. } if fields.contains_key("slug")),
                "{bad:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn new_organizations_cannot_take_route_names() {
        for reserved in ["new", "admin", "api", "www", "invite", "operators"] {
            assert!(Slug::parse_new(reserved).is_err(), "{reserved}");
            assert!(
                Slug::parse(reserved).is_ok(),
                "{reserved} can still be looked up"
            );
        }
    }
}

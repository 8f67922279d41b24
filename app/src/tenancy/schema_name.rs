use std::fmt;

use uuid::Uuid;

/// The name of a tenant's schema: `tenant_` and the tenant id's 32 hex digits.
///
/// Made from a tenant id by the platform, never from input; names read back from the
/// database are checked again before any SQL uses them, so only values of this type
/// are ever spliced into SQL as identifiers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaName(String);

pub(crate) const PREFIX: &str = "tenant_";

impl SchemaName {
    pub fn for_tenant(id: Uuid) -> Self {
        Self(format!("{PREFIX}{}", id.simple()))
    }

    /// Checks a stored name: exactly `tenant_` followed by 32 lowercase hex digits.
    pub fn parse(name: &str) -> Option<Self> {
        let hex = name.strip_prefix(PREFIX)?;
        (hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name quoted as an SQL identifier (safe by construction; quoted anyway).
    pub fn quoted(&self) -> String {
        format!("\"{}\"", self.0)
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_parse_back() {
        let name = SchemaName::for_tenant(Uuid::new_v4());
        assert_eq!(SchemaName::parse(name.as_str()), Some(name));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "public",
            "tenant_",
            "tenant_XYZ",
            "tenant_0123456789abcdef0123456789ABCDEF",
            "tenant_0123456789abcdef0123456789abcdef; DROP SCHEMA public",
            "tenant_0123456789abcdef0123456789abcde\"",
        ] {
            assert!(SchemaName::parse(bad).is_none(), "{bad}");
        }
    }
}

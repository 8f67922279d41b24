//! Where a form may send the browser back to (`next` after signing in, after loading
//! sample data): only a path on this site, decided in one place.

use url::Url;

/// `next` as a path on the site at `public_url`, or `None`.
///
/// Browsers drop tabs, CR and LF from URLs and read a backslash as a slash, so
/// `/<TAB>/evil.example` would become `//evil.example`, another host: anything with a
/// control character or backslash is refused before the path is resolved against
/// PUBLIC_URL, and the result must keep PUBLIC_URL's origin. The path returned is the
/// resolved one, percent-encoded ASCII, so it is always a valid `Location` value.
pub fn same_site(public_url: &Url, next: &str) -> Option<String> {
    if !next.starts_with('/')
        || next.starts_with("//")
        || next.contains('\\')
        || next.chars().any(char::is_control)
    {
        return None;
    }
    let resolved = public_url.join(next).ok()?;
    (resolved.origin() == public_url.origin())
        .then(|| resolved[url::Position::BeforePath..].to_owned())
}

/// The return path of the form being served if it is on this site, else `fallback`.
pub fn or(next: Option<String>, fallback: String) -> String {
    let site = leptos::prelude::use_context::<crate::pages::site::SiteOrigin>()
        .and_then(|origin| Url::parse(&origin.0).ok());
    match (site, next) {
        (Some(site), Some(next)) => same_site(&site, &next).unwrap_or(fallback),
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::same_site;

    fn check(next: &str) -> Option<String> {
        same_site(&url::Url::parse("https://capliquify.test").unwrap(), next)
    }

    #[test]
    fn paths_on_this_site_are_followed() {
        assert_eq!(check("/app").as_deref(), Some("/app"));
        assert_eq!(
            check("/invite/abc?x=1#top").as_deref(),
            Some("/invite/abc?x=1#top")
        );
        assert_eq!(check("/app/a b").as_deref(), Some("/app/a%20b"));
    }

    #[test]
    fn anything_a_browser_could_read_as_another_host_is_refused() {
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\r\n/evil.example",
            "/\n/evil.example",
            "/\u{0}x",
            "/\u{85}x",
            "javascript:alert(1)",
            "app",
            "",
        ] {
            assert_eq!(check(bad), None, "{bad:?}");
        }
    }
}

//! One function per message: subject, plain text and HTML in the product's look.
//! Every value from outside is escaped before it reaches the HTML.

use super::Email;

/// HTML-escapes text for element content and double-quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The longest a name chosen by a user may appear in an email.
const NAME_CHARS: usize = 60;

/// A name someone else chose (a person's or an organization's), as it may appear in
/// an email to another address: one line of plain text, at most [`NAME_CHARS`]
/// characters, without anything a mail program would turn into a link. Otherwise
/// forms that email other people would carry whatever message the sender wrote.
pub fn chosen_name(name: &str) -> String {
    let mut out = String::new();
    let mut chars = name
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            (' ', Some(' ')) => {}
            // "example.com" and "http://" become inert text.
            ('.', Some(next)) if next.is_alphanumeric() => out.push('\u{2024}'),
            (':', Some('/')) => {
                out.push(':');
                out.push(' ');
                while chars.peek() == Some(&'/') {
                    chars.next();
                }
            }
            (c, _) => out.push(c),
        }
    }
    let out = out.trim();
    if out.chars().count() > NAME_CHARS {
        let cut: String = out.chars().take(NAME_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        out.to_owned()
    }
}

/// Formatting characters that change how text reads without being seen.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// A message with one call to action. `paragraphs` are plain text; the button and
/// the link beneath it lead to `link`.
struct Layout<'a> {
    to: &'a str,
    subject: String,
    greeting: String,
    paragraphs: Vec<String>,
    button: &'a str,
    link: &'a str,
    footnote: &'a str,
}

impl Layout<'_> {
    fn render(self) -> Email {
        let mut text = format!("{}\n\n", self.greeting);
        for p in &self.paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "{}: {}\n\n{}\n\n-- \nCapLiquify · working-capital intelligence for manufacturers\n",
            self.button, self.link, self.footnote
        ));

        let body: String = self
            .paragraphs
            .iter()
            .map(|p| format!(r#"<p style="margin:0 0 16px">{}</p>"#, escape_html(p)))
            .collect();
        let html = format!(
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{subject}</title></head>
<body style="margin:0;padding:24px;background:#f7f8f6;color:#17201d;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5">
<table role="presentation" width="100%" cellspacing="0" cellpadding="0"><tr><td align="center">
<table role="presentation" width="560" cellspacing="0" cellpadding="0" style="max-width:560px;background:#ffffff;border:1px solid #d5dcd8;border-radius:10px">
<tr><td style="padding:20px 28px;border-bottom:4px solid #0b5d4b;font-weight:700;font-size:20px;color:#0b5d4b">CapLiquify</td></tr>
<tr><td style="padding:28px">
<p style="margin:0 0 16px">{greeting}</p>
{body}
<p style="margin:24px 0"><a href="{link}" style="display:inline-block;background:#0b5d4b;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:10px">{button}</a></p>
<p style="margin:0 0 16px;color:#4d5a55;font-size:14px">If the button does not work, paste this address into your browser:<br><a href="{link}" style="color:#0b5d4b;word-break:break-all">{link}</a></p>
<p style="margin:0;color:#4d5a55;font-size:14px">{footnote}</p>
</td></tr>
<tr><td style="padding:16px 28px;border-top:1px solid #d5dcd8;color:#4d5a55;font-size:13px">CapLiquify · working-capital intelligence for manufacturers</td></tr>
</table></td></tr></table>
</body></html>
"#,
            subject = escape_html(&self.subject),
            greeting = escape_html(&self.greeting),
            link = escape_html(self.link),
            button = escape_html(self.button),
            footnote = escape_html(self.footnote),
        );
        Email {
            to: self.to.to_owned(),
            subject: self.subject,
            text,
            html,
        }
    }
}

pub fn verify_email(to: &str, name: &str, link: &str) -> Email {
    Layout {
        to,
        subject: "Confirm your email address for CapLiquify".into(),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![
            "Thanks for signing up. Confirm that this is your address and your CapLiquify \
             account is ready to use."
                .into(),
        ],
        button: "Confirm my email address",
        link,
        footnote: "The link works once and expires in 24 hours. If you did not sign up, \
                   ignore this message.",
    }
    .render()
}

/// Sent instead of a second account when someone signs up with a known address, so
/// the sign-up form never reveals which addresses have accounts.
pub fn account_exists(to: &str, name: &str, link: &str) -> Email {
    Layout {
        to,
        subject: "You already have a CapLiquify account".into(),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![
            "Someone, probably you, tried to create a CapLiquify account with this \
             address. You already have one: sign in, or reset your password if you have \
             forgotten it."
                .into(),
        ],
        button: "Reset my password",
        link,
        footnote: "If this was not you, you can ignore this message: nothing has changed.",
    }
    .render()
}

pub fn reset_password(to: &str, name: &str, link: &str) -> Email {
    Layout {
        to,
        subject: "Reset your CapLiquify password".into(),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![
            "We received a request to reset the password of your CapLiquify account. \
             Choose a new one with the button below; you will be signed out everywhere \
             else."
                .into(),
        ],
        button: "Choose a new password",
        link,
        footnote: "The link works once and expires in one hour. If you did not ask for \
                   it, ignore this message: your password stays as it is.",
    }
    .render()
}

pub fn invitation(to: &str, inviter: &str, organization: &str, role: &str, link: &str) -> Email {
    let (inviter, organization) = (chosen_name(inviter), chosen_name(organization));
    Layout {
        to,
        subject: format!("{inviter} invited you to {organization} on CapLiquify"),
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!(
                "{inviter} invited you to join {organization} on CapLiquify as {role}. \
                 CapLiquify shows where your company's cash is tied up in inventory, \
                 receivables and payables, and what to do about it."
            ),
            "Accept with the button below: you can create your account or sign in to an \
             existing one with this address."
                .into(),
        ],
        button: "Accept the invitation",
        link,
        footnote: "The invitation is for this address only, works once and expires in \
                   7 days.",
    }
    .render()
}

pub fn trial_ending(to: &str, name: &str, organization: &str, days: i64, link: &str) -> Email {
    let organization = chosen_name(organization);
    Layout {
        to,
        subject: format!("Your CapLiquify trial for {organization} ends in {days} days"),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![format!(
            "The free trial of {organization} ends in {days} days. Choose a plan to keep \
             working without interruption; everything you have set up stays as it is. If \
             you do nothing, the organization pauses at the end of the trial and its data \
             is kept."
        )],
        button: "Choose a plan",
        link,
        footnote: "You receive this because you own this organization.",
    }
    .render()
}

pub fn payment_failed(to: &str, name: &str, organization: &str, link: &str) -> Email {
    let organization = chosen_name(organization);
    Layout {
        to,
        subject: format!("Payment for {organization} failed"),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![
            format!(
                "We could not collect the latest payment for {organization}'s CapLiquify \
                 subscription. Until it is settled, {organization} is read-only: everyone \
                 can still see its data, but nothing can be changed."
            ),
            "Update the payment method in the billing portal and we will retry at once.".into(),
        ],
        button: "Update payment method",
        link,
        footnote: "Stripe retries the payment over the next days. If every retry fails, \
                   the organization is suspended; its data is kept.",
    }
    .render()
}

pub fn payment_restored(to: &str, name: &str, organization: &str, link: &str) -> Email {
    let organization = chosen_name(organization);
    Layout {
        to,
        subject: format!("{organization} is fully available again"),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![format!(
            "Thank you: the payment for {organization} went through and everyone can work \
             in it again as usual."
        )],
        button: "Open CapLiquify",
        link,
        footnote: "Invoices are in the billing portal.",
    }
    .render()
}

pub fn subscription_suspended(to: &str, name: &str, organization: &str, link: &str) -> Email {
    let organization = chosen_name(organization);
    Layout {
        to,
        subject: format!("{organization} has been suspended"),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![format!(
            "The subscription of {organization} has ended after its payment could not be \
             collected, so the organization is suspended. Its data is kept: subscribe again \
             from the billing page to restore access for everyone."
        )],
        button: "Restore access",
        link,
        footnote: "You receive this because you own this organization.",
    }
    .render()
}

pub fn contact_received(to: &str, name: &str, link: &str) -> Email {
    Layout {
        to,
        subject: "We received your message".into(),
        greeting: format!("Hello {},", chosen_name(name)),
        paragraphs: vec![
            "Thank you for writing to CapLiquify. A person will answer within one working \
             day. Meanwhile, the answers to common questions may already help."
                .into(),
        ],
        button: "Read the answers",
        link,
        footnote: "You receive this because this address was entered in our contact form.",
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_text_is_escaped_in_html_and_kept_in_text() {
        let email = invitation(
            "a@example.com",
            "Eve <script>",
            "Acme & \"Co\"",
            "admin",
            "https://x.test/invite/abc?x=1&y=2",
        );
        assert!(!email.html.contains("<script>"));
        assert!(email.html.contains("Eve &lt;script&gt;"));
        assert!(email.html.contains("Acme &amp; &quot;Co&quot;"));
        assert!(
            email
                .html
                .contains("href=\"https://x.test/invite/abc?x=1&amp;y=2\"")
        );
        assert!(email.text.contains("https://x.test/invite/abc?x=1&y=2"));
        assert!(email.subject.contains("Acme & \"Co\""));
    }

    #[test]
    fn names_chosen_by_senders_are_short_plain_and_link_free() {
        let email = invitation(
            "a@example.com",
            "Win a prize at http://evil.example/claim\n\nNow",
            &format!("Acme{}", "x".repeat(200)),
            "admin",
            "https://x.test/invite/abc",
        );
        for part in [&email.subject, &email.text, &email.html] {
            assert!(!part.contains("http://evil"), "{part}");
            assert!(!part.contains("evil.example"), "{part}");
            assert!(!part.contains(&"x".repeat(60)), "{part}");
        }
        assert!(
            email
                .subject
                .starts_with("Win a prize at http: evil․example/claim Now invited")
        );
        assert_eq!(chosen_name("  Ada \u{202E}Lovelace  "), "Ada Lovelace");
        assert_eq!(chosen_name("Acme Co."), "Acme Co.");
        assert_eq!(chosen_name(&"y".repeat(80)).chars().count(), NAME_CHARS);
        assert!(
            verify_email("a@x.test", "see evil.test", "l")
                .text
                .starts_with("Hello see evil․test,")
        );
    }

    #[test]
    fn every_message_carries_its_link_in_both_parts() {
        let link = "https://x.test/l/token";
        for email in [
            verify_email("a@x.test", "Ann", link),
            account_exists("a@x.test", "Ann", link),
            reset_password("a@x.test", "Ann", link),
            invitation("a@x.test", "Bob", "Acme", "viewer", link),
            trial_ending("a@x.test", "Ann", "Acme", 3, link),
            payment_failed("a@x.test", "Ann", "Acme", link),
            payment_restored("a@x.test", "Ann", "Acme", link),
            subscription_suspended("a@x.test", "Ann", "Acme", link),
            contact_received("a@x.test", "Ann", link),
        ] {
            assert!(email.text.contains(link), "{}", email.subject);
            assert!(email.html.contains(link), "{}", email.subject);
            assert_eq!(email.to, "a@x.test");
        }
    }
}

//! An uploaded file's bytes as text, and the delimiter its header line uses. Files
//! come from many spreadsheets: UTF-8 with or without a byte order mark, UTF-16 from
//! Excel's "Unicode text", Windows-1252 from older Excel on Windows; commas, or
//! semicolons where the comma is the decimal separator, or tabs.

use std::borrow::Cow;

use encoding_rs::{Encoding, WINDOWS_1252};

/// The file as text. A byte order mark names the encoding (and is dropped); otherwise
/// valid UTF-8 is UTF-8, and anything else is read as Windows-1252, which gives every
/// byte a character, so "é" or "€" saved by older Excel arrive as they were typed.
pub fn text(content: &[u8]) -> Cow<'_, str> {
    if let Some((encoding, bom)) = Encoding::for_bom(content) {
        return encoding.decode_without_bom_handling(&content[bom..]).0;
    }
    match std::str::from_utf8(content) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => WINDOWS_1252.decode_without_bom_handling(content).0,
    }
}

/// The delimiter of the header line: whichever of comma, semicolon and tab it holds
/// most often outside quotes (a comma when it holds none, a one-column file).
pub fn delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    count.1 += 1;
                }
            }
            _ => {}
        }
    }
    // The first of the most frequent wins, so a tie falls back to the comma.
    counts
        .iter()
        .fold((b',', 0), |best, &c| if c.1 > best.1 { c } else { best })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(text(b"\xEF\xBB\xBFsku;name"), "sku;name");
        assert_eq!(text("Caf\u{e9} \u{20ac}".as_bytes()), "Café €");
        assert_eq!(text(b"Caf\xE9 \x80"), "Café €");
        assert_eq!(text(b"\xFF\xFEa\x00;\x00b\x00"), "a;b");
    }

    #[test]
    fn the_header_line_names_the_delimiter() {
        assert_eq!(delimiter("sku,name,unit_cost\n1;2;3"), b',');
        assert_eq!(delimiter("sku;name;unit_cost\n1,2,3"), b';');
        assert_eq!(delimiter("sku\tname\tunit_cost"), b'\t');
        assert_eq!(delimiter("\"a;b\",c\n"), b',');
        assert_eq!(delimiter("sku"), b',');
    }
}

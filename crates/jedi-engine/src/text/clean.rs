//! Clean-up of raw message text: Discord markup, Unicode forms, case, and word splitting.
//!
//! Nothing here depends on the data: it is the same for every knowledge base.

use std::sync::LazyLock;

use caseless::Caseless;
use regex::Regex;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Discord markup that carries no words: user, role and channel mentions, custom emoji,
/// timestamps, slash-command mentions, @everyone / @here, and URLs.
static NOISE: LazyLock<Regex> = LazyLock::new(|| {
    // ASCII classes: Discord's ids and emoji names are ASCII, and Unicode classes make
    // the pattern many times slower to compile.
    Regex::new(concat!(
        r"<@[!&]?[0-9]+>",                      // user and role mentions
        r"|<#[0-9]+>",                          // channel mentions
        r"|<a?:[A-Za-z0-9_~]{1,64}:[0-9]+>",    // custom emoji
        r"|<t:-?[0-9]+(?::[a-zA-Z])?>",         // timestamps
        r"|</[^<>:]{1,100}:[0-9]+>",            // slash-command mentions
        r"|@(?:everyone|here)",                 // mass mentions
        r"|<?(?:https?|ftp)://[^ \t\r\n<>]+>?", // links
    ))
    .expect("the markup pattern is valid")
});

/// Masked links `[text](url)`: the text is kept, the address dropped.
static MASKED_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([^\]\[]{0,200})\]\([ ]*<?(?:https?|ftp)://[^) \t\r\n]*>?[ ]*\)")
        .expect("the link pattern is valid")
});

/// Removes Discord markup and folds the text to one canonical form: NFKC, full case
/// folding, no combining marks or invisible characters, and one kind of apostrophe.
/// Punctuation stays (the tokenizer splits on it).
pub fn clean(text: &str) -> String {
    // The usual case, plain ASCII with no markup: one pass to see it, one copy to fold it.
    if is_plain(text) {
        return text.to_ascii_lowercase();
    }
    let text = if text.contains('[') {
        MASKED_LINK.replace_all(text, "$1")
    } else {
        text.into()
    };
    let text = if text.contains('<') || text.contains("://") || text.contains('@') {
        NOISE.replace_all(&text, " ").into_owned().into()
    } else {
        text
    };
    if text.is_ascii() {
        let mut text = text.to_ascii_lowercase();
        if text.bytes().any(|b| b == b'`' || b.is_ascii_control()) {
            text = text
                .chars()
                .map(|c| match c {
                    '`' => '\'',
                    c if c.is_ascii_control() => ' ',
                    c => c,
                })
                .collect();
        }
        return text;
    }
    // Most text is already in NFKC (a quick check says so without normalising it).
    let folded = if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        case_fold(&text)
    } else {
        case_fold(&text.nfkc().collect::<String>())
    };
    let keep = |&c: &char| c.is_ascii() || !(is_combining_mark(c) || is_invisible(c));
    let canonical = |c: char| match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' | '`' => '\'',
        c if c.is_control() => ' ',
        c => c,
    };
    if is_nfkc_quick(folded.chars()) == IsNormalized::Yes {
        folded.chars().filter(keep).map(canonical).collect()
    } else {
        folded.nfkc().filter(keep).map(canonical).collect()
    }
}

/// Full case folding (Unicode's default, which folds each character on its own), with
/// ASCII, most of any text, folded without a table look-up.
fn case_fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            folded.push(c.to_ascii_lowercase());
        } else {
            folded.extend(std::iter::once(c).default_case_fold());
        }
    }
    folded
}

/// Whether `text` is plain ASCII with nothing [`clean`] removes or changes but case:
/// no control characters and nothing that may start Discord markup.
pub(crate) fn is_plain(text: &str) -> bool {
    text.bytes().all(|b| {
        b.is_ascii() && !b.is_ascii_control() && !matches!(b, b'[' | b'<' | b'@' | b':' | b'`')
    })
}

/// Characters that are invisible in text and must not split or join words: the Unicode
/// default-ignorable code points (zero-width spaces and joiners, direction marks and
/// overrides, variation selectors, the byte-order mark, soft hyphens, tags).
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE0FFF)
}

/// Splits cleaned text into words: runs of letters and digits, keeping an apostrophe
/// between letters ("didn't") and a decimal point between digits ("1.76").
pub fn tokenize(text: &str) -> impl Iterator<Item = &str> {
    tokenize_marked(text).into_iter().map(|(word, _)| word)
}

/// Like [`tokenize`], and says of each word whether it starts a clause: it is the first
/// word, or punctuation that ends a clause (`. ? ! ; : ,`, a parenthesis, an em dash or a
/// line break) comes before it.
pub fn tokenize_marked(text: &str) -> Vec<(&str, bool)> {
    // Room for every word without growing: a word and what separates it take at least
    // two bytes, and most words are longer.
    let mut words = Vec::with_capacity(text.len() / 4 + 1);
    tokenize_each(text, |word, starts_clause| {
        words.push((word, starts_clause))
    });
    words
}

/// [`tokenize_marked`], handing each word to `each` rather than collecting them.
pub fn tokenize_each<'t>(text: &'t str, each: impl FnMut(&'t str, bool)) {
    if text.is_ascii() {
        split_ascii(text, each);
    } else {
        split_marked(text, text.char_indices(), each);
    }
}

/// Where words start and end as [`tokenize_each`] walks a text, one character at a time.
struct Splitter<'t, F> {
    text: &'t str,
    each: F,
    /// Where the word being read starts.
    start: Option<usize>,
    clause_start: bool,
}

impl<'t, F: FnMut(&'t str, bool)> Splitter<'t, F> {
    fn new(text: &'t str, each: F) -> Self {
        Splitter {
            text,
            each,
            start: None,
            clause_start: true,
        }
    }

    /// The character at `offset` is `inside` a word or not; `ends_clause` when it is
    /// punctuation, outside a word, that ends a clause.
    #[inline(always)]
    fn step(&mut self, offset: usize, inside: bool, ends_clause: bool) {
        match (inside, self.start) {
            (true, None) => self.start = Some(offset),
            (false, Some(s)) => {
                (self.each)(&self.text[s..offset], self.clause_start);
                self.clause_start = false;
                self.start = None;
            }
            _ => {}
        }
        if ends_clause {
            self.clause_start = true;
        }
    }

    fn finish(mut self) {
        if let Some(s) = self.start {
            (self.each)(&self.text[s..], self.clause_start);
        }
    }
}

/// [`tokenize_each`] for ASCII text: each byte is a character, no decoding.
fn split_ascii<'t>(text: &'t str, each: impl FnMut(&'t str, bool)) {
    let bytes = text.as_bytes();
    let mut splitter = Splitter::new(text, each);
    for (i, &c) in bytes.iter().enumerate() {
        let joins = |pred: fn(&u8) -> bool| {
            i > 0 && pred(&bytes[i - 1]) && bytes.get(i + 1).is_some_and(pred)
        };
        let in_word = splitter.start.is_some();
        let inside = c.is_ascii_alphanumeric()
            || (in_word && c == b'\'' && joins(u8::is_ascii_alphanumeric))
            || (in_word && c == b'.' && joins(u8::is_ascii_digit));
        let ends_clause = !inside
            && matches!(
                c,
                b'.' | b'?' | b'!' | b';' | b':' | b',' | b'(' | b')' | b'\n'
            );
        splitter.step(i, inside, ends_clause);
    }
    splitter.finish();
}

/// [`tokenize_each`] over `text`'s characters with their byte offsets.
fn split_marked<'t>(
    text: &'t str,
    chars: impl Iterator<Item = (usize, char)>,
    each: impl FnMut(&'t str, bool),
) {
    let mut splitter = Splitter::new(text, each);
    let mut previous: Option<char> = None;
    let mut chars = chars.peekable();
    while let Some((offset, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let joins = |pred: fn(char) -> bool| previous.is_some_and(pred) && next.is_some_and(pred);
        let in_word = splitter.start.is_some();
        let inside = c.is_alphanumeric()
            || (in_word && c == '\'' && joins(char::is_alphanumeric))
            || (in_word && c == '.' && joins(|c| c.is_ascii_digit()));
        let ends_clause = !inside
            && matches!(
                c,
                '.' | '?' | '!' | ';' | ':' | ',' | '(' | ')' | '\u{2014}' | '\n'
            );
        splitter.step(offset, inside, ends_clause);
        previous = Some(c);
    }
    splitter.finish();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discord_markup_is_removed_but_words_are_kept() {
        let cleaned = clean(
            "<@!42> <@&7> <#9> <:jedi:123> <a:spin:456> <t:1600000000:R> </ask:99> @everyone \
             ||who|| __won__ ~~the~~ `jedi` [contract](https://example.com/x) https://x.y/z?",
        );
        let words: Vec<&str> = tokenize(&cleaned).collect();
        assert_eq!(words, ["who", "won", "the", "jedi", "contract"]);
    }

    #[test]
    fn unicode_is_folded() {
        assert_eq!(clean("ＭＩＣＲＯＳＯＦＴ"), "microsoft");
        assert_eq!(clean("STRASSE Straße"), "strasse strasse");
        assert_eq!(clean("Amazon’s"), "amazon's");
        assert_eq!(clean("mi\u{200B}cro\u{200D}soft\u{202E}"), "microsoft");
        assert_eq!(clean("m\u{0334}i\u{0334}c"), "mic");
        assert_eq!(clean("caf\u{0065}\u{0301}"), "café");
        let mixed = "Ǆemal ΣΊΣΥΦΟΣ’s ﬁne ŉ İstanbul ß AWS";
        assert_eq!(case_fold(mixed), caseless::default_case_fold_str(mixed));
    }

    #[test]
    fn tokenize_keeps_inner_apostrophes_and_decimals() {
        let words: Vec<&str> = tokenize("'quoted' it's 10.5 end. 3.").collect();
        assert_eq!(words, ["quoted", "it's", "10.5", "end", "3"]);
    }

    #[test]
    fn the_ascii_path_splits_as_the_general_one() {
        for text in [
            "didn't aws' $1.76b, u.s. 'quoted' it's 10.5 end. 3. a''b 1..2 x'",
            "who won? the jedi; contract: ok! yes\nno, 'a' .5 5. ''",
            "",
            "'",
            "a",
        ] {
            let mut general = Vec::new();
            split_marked(text, text.char_indices(), |w, c| general.push((w, c)));
            assert_eq!(tokenize_marked(text), general, "{text:?}");
        }
    }

    #[test]
    fn nothing_but_punctuation_gives_no_words() {
        assert_eq!(tokenize(&clean("?!... --- ***")).count(), 0);
        assert_eq!(tokenize("").count(), 0);
    }

    #[test]
    fn example_of_clean() {
        assert_eq!(clean("<@123> **Who** won ＪＥＤＩ?"), "  **who** won jedi?");
    }

    #[test]
    fn example_of_tokenize() {
        let words: Vec<&str> = tokenize("didn't aws' $1.76b, u.s.").collect();
        assert_eq!(words, ["didn't", "aws", "1.76b", "u", "s"]);
    }

    #[test]
    fn example_of_tokenize_marked() {
        let words = tokenize_marked("jedi? who won, the firm");
        assert_eq!(
            words,
            [
                ("jedi", true),
                ("who", true),
                ("won", false),
                ("the", true),
                ("firm", false)
            ]
        );
        let aside = tokenize_marked("it (not that one) \u{2014} no");
        assert_eq!(
            aside,
            [
                ("it", true),
                ("not", true),
                ("that", false),
                ("one", false),
                ("no", true)
            ]
        );
    }
}

//! Lesson prose as a small, safe document tree.
//!
//! Markdown is parsed with pulldown-cmark (CommonMark, no extensions) into an
//! owned tree that can only say harmless things: the app renders it node by
//! node as text, never as HTML. To keep that true, the parser
//!
//! - drops raw HTML (`<script>`, `<img onerror=…>`, inline tags) entirely;
//! - keeps a link only if its target is `https:`, an `#anchor` or a relative
//!   path, and otherwise keeps just the link's text;
//! - turns images into their alt text, so no remote content is loaded.
//!
//! Thematic breaks are dropped and a code block's language is ignored; the
//! lessons do not need them.
//!
//! A document serializes as its tree, so that the site can load the course
//! parsed at build time and carry no Markdown parser. A tree read back is
//! held to the same rule: a link to anything but a safe target is refused.

use std::iter::Peekable;

use pulldown_cmark::{Event, Parser, Tag};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// A parsed Markdown document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Markdown(pub Vec<Block>);

/// A block of a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph, or the text of a tight list item.
    Paragraph(Vec<Inline>),
    /// A heading, `level` 1 to 6.
    Heading {
        /// 1 for `#`, up to 6.
        level: u8,
        /// The heading's text.
        children: Vec<Inline>,
    },
    /// A bulleted or numbered list.
    List {
        /// Whether the items are numbered.
        ordered: bool,
        /// Each item's blocks.
        items: Vec<Vec<Block>>,
    },
    /// A fenced or indented code block: its text, verbatim.
    CodeBlock(String),
    /// A block quote.
    Quote(Vec<Block>),
}

/// Text within a block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Inline {
    /// Plain text. Adjacent text is merged, and line breaks become spaces.
    Text(String),
    /// A code span.
    Code(String),
    /// `*emphasis*`.
    Emphasis(Vec<Inline>),
    /// `**strong**`.
    Strong(Vec<Inline>),
    /// A link whose target is safe to follow.
    Link {
        /// `https:…`, `#anchor` or a relative path.
        href: String,
        /// The link text.
        children: Vec<Inline>,
    },
}

impl Markdown {
    /// Parses Markdown source. Never fails: anything unsafe or unsupported is
    /// dropped or reduced to text.
    pub fn parse(source: &str) -> Markdown {
        Markdown(blocks(&mut Parser::new(source).peekable()))
    }

    /// A line whose only Markdown is `code` spans, as quiz options are
    /// written, split into text and code without the Markdown parser, which
    /// the site leaves out to stay small. A backtick without its pair is text.
    pub fn inline_code(line: &str) -> Vec<Inline> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(open) = rest.find('`') {
            let Some(len) = rest[open + 1..].find('`') else { break };
            if open > 0 {
                out.push(Inline::Text(rest[..open].into()));
            }
            out.push(Inline::Code(rest[open + 1..open + 1 + len].into()));
            rest = &rest[open + 2 + len..];
        }
        if !rest.is_empty() {
            out.push(Inline::Text(rest.into()));
        }
        out
    }

    /// Whether the document has no content.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The document with every `pattern` in its text and code replaced by
    /// `with`; link targets are left as they are.
    pub fn replace(&self, pattern: &str, with: &str) -> Markdown {
        fn inlines(nodes: &[Inline], pattern: &str, with: &str) -> Vec<Inline> {
            let map = |children: &[Inline]| inlines(children, pattern, with);
            nodes
                .iter()
                .map(|inline| match inline {
                    Inline::Text(text) => Inline::Text(text.replace(pattern, with)),
                    Inline::Code(code) => Inline::Code(code.replace(pattern, with)),
                    Inline::Emphasis(children) => Inline::Emphasis(map(children)),
                    Inline::Strong(children) => Inline::Strong(map(children)),
                    Inline::Link { href, children } => Inline::Link { href: href.clone(), children: map(children) },
                })
                .collect()
        }
        fn blocks(nodes: &[Block], pattern: &str, with: &str) -> Vec<Block> {
            let map = |children: &[Inline]| inlines(children, pattern, with);
            nodes
                .iter()
                .map(|block| match block {
                    Block::Paragraph(children) => Block::Paragraph(map(children)),
                    Block::Heading { level, children } => Block::Heading { level: *level, children: map(children) },
                    Block::List { ordered, items } => Block::List {
                        ordered: *ordered,
                        items: items.iter().map(|item| blocks(item, pattern, with)).collect(),
                    },
                    Block::CodeBlock(code) => Block::CodeBlock(code.replace(pattern, with)),
                    Block::Quote(children) => Block::Quote(blocks(children, pattern, with)),
                })
                .collect()
        }
        Markdown(blocks(&self.0, pattern, with))
    }
}

/// Lesson files hold Markdown as TOML strings, parsed in place (with the
/// `parse` feature); a pre-parsed course holds the tree.
impl<'de> Deserialize<'de> for Markdown {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Markdown, D::Error> {
        struct MarkdownVisitor;

        impl<'de> Visitor<'de> for MarkdownVisitor {
            type Value = Markdown;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("Markdown text or a parsed document")
            }

            fn visit_str<E: de::Error>(self, source: &str) -> Result<Markdown, E> {
                #[cfg(feature = "parse")]
                return Ok(Markdown::parse(source));
                // Without the parser, which the site leaves out to stay small.
                #[cfg(not(feature = "parse"))]
                return Err(E::invalid_type(de::Unexpected::Str(source), &"a parsed document"));
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Markdown, A::Error> {
                let blocks = Vec::<Block>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                match unsafe_href(&blocks) {
                    Some(href) => Err(de::Error::custom(format!("link target `{href}` is not allowed"))),
                    None => Ok(Markdown(blocks)),
                }
            }
        }

        deserializer.deserialize_any(MarkdownVisitor)
    }
}

/// The first link target in `blocks` that [`safe_href`] refuses.
fn unsafe_href(blocks: &[Block]) -> Option<&str> {
    fn in_inlines(inlines: &[Inline]) -> Option<&str> {
        inlines.iter().find_map(|inline| match inline {
            Inline::Text(_) | Inline::Code(_) => None,
            Inline::Emphasis(children) | Inline::Strong(children) => in_inlines(children),
            Inline::Link { href, children } => match safe_href(href) {
                None => Some(href.as_str()),
                Some(_) => in_inlines(children),
            },
        })
    }
    blocks.iter().find_map(|block| match block {
        Block::Paragraph(children) | Block::Heading { children, .. } => in_inlines(children),
        Block::List { items, .. } => items.iter().find_map(|item| unsafe_href(item)),
        Block::Quote(blocks) => unsafe_href(blocks),
        Block::CodeBlock(_) => None,
    })
}

type Events<'a> = Peekable<Parser<'a>>;

/// Whether `event` belongs to block structure rather than to a run of text.
fn is_block(event: &Event) -> bool {
    match event {
        Event::Start(tag) => !matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
        ),
        Event::Rule | Event::Html(_) => true,
        _ => false,
    }
}

/// Reads a container's children, then the `End` event that closes it.
fn contained<T>(events: &mut Events, children: fn(&mut Events) -> T) -> T {
    let children = children(events);
    let end = events.next();
    debug_assert!(matches!(end, Some(Event::End(_))), "unbalanced events: {end:?}");
    children
}

/// Reads blocks up to the end of the enclosing container.
fn blocks(events: &mut Events) -> Vec<Block> {
    let mut out = Vec::new();
    loop {
        match events.peek() {
            None | Some(Event::End(_)) => return out,
            // A tight list item holds its text directly, without a paragraph.
            Some(event) if !is_block(event) => out.push(Block::Paragraph(inlines(events))),
            Some(_) => match events.next().expect("peeked") {
                Event::Start(Tag::Paragraph) => out.push(Block::Paragraph(contained(events, inlines))),
                Event::Start(Tag::Heading { level, .. }) => {
                    out.push(Block::Heading { level: level as u8, children: contained(events, inlines) })
                }
                Event::Start(Tag::BlockQuote(_)) => out.push(Block::Quote(contained(events, blocks))),
                Event::Start(Tag::CodeBlock(_)) => out.push(Block::CodeBlock(contained(events, code_text))),
                Event::Start(Tag::List(start)) => {
                    out.push(Block::List { ordered: start.is_some(), items: contained(events, list_items) })
                }
                // HTML blocks, and the containers of extensions that are not
                // enabled, are dropped whole.
                Event::Start(_) => contained(events, skip),
                // Thematic breaks.
                _ => {}
            },
        }
    }
}

fn list_items(events: &mut Events) -> Vec<Vec<Block>> {
    let mut items = Vec::new();
    while events.next_if(|e| matches!(e, Event::Start(Tag::Item))).is_some() {
        items.push(contained(events, blocks));
    }
    items
}

fn code_text(events: &mut Events) -> String {
    let mut text = String::new();
    while let Some(Event::Text(chunk)) = events.next_if(|e| matches!(e, Event::Text(_))) {
        text.push_str(&chunk);
    }
    text
}

/// Consumes everything up to the end of the enclosing container.
fn skip(events: &mut Events) {
    let mut depth = 0usize;
    while let Some(event) = events.next_if(|e| depth > 0 || !matches!(e, Event::End(_))) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
}

/// Reads a run of inline content, stopping before the end of the enclosing
/// container or the next block.
fn inlines(events: &mut Events) -> Vec<Inline> {
    let mut out = Vec::new();
    while let Some(event) = events.next_if(|e| !matches!(e, Event::End(_)) && !is_block(e)) {
        match event {
            Event::Text(text) => push(&mut out, Inline::Text(text.into_string())),
            Event::Code(code) => out.push(Inline::Code(code.into_string())),
            Event::SoftBreak | Event::HardBreak => push(&mut out, Inline::Text(" ".into())),
            Event::Start(Tag::Emphasis) => out.push(Inline::Emphasis(contained(events, inlines))),
            Event::Start(Tag::Strong) => out.push(Inline::Strong(contained(events, inlines))),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let children = contained(events, inlines);
                match safe_href(&dest_url) {
                    Some(href) => out.push(Inline::Link { href: href.into(), children }),
                    None => children.into_iter().for_each(|child| push(&mut out, child)),
                }
            }
            // An image keeps only its alt text; other spans (not enabled) only their text.
            Event::Start(_) => contained(events, inlines).into_iter().for_each(|child| push(&mut out, child)),
            // Inline HTML is dropped; the text between tags stays, as text.
            _ => {}
        }
    }
    out
}

/// Appends `inline`, merging it into a preceding text node.
fn push(out: &mut Vec<Inline>, inline: Inline) {
    match (out.last_mut(), inline) {
        (Some(Inline::Text(last)), Inline::Text(text)) => last.push_str(&text),
        (_, inline) => out.push(inline),
    }
}

/// Returns `href` if it is an `https:` URL, an `#anchor` or a relative path.
fn safe_href(href: &str) -> Option<&str> {
    // Browsers strip tabs and newlines inside URLs and ignore leading spaces
    // and control characters, so `java\tscript:` would run as `javascript:`.
    // Rejecting every such character is simpler than reproducing that.
    if href.is_empty() || href.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    // A URL has a scheme if a `:` comes before any `/`, `?` or `#`;
    // otherwise it is relative to the page.
    match href.find([':', '/', '?', '#']) {
        Some(idx) if href[idx..].starts_with(':') => href[..idx].eq_ignore_ascii_case("https").then_some(href),
        _ => Some(href),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inline_code_splits_a_line_into_text_and_code_as_the_parser_would() {
        for line in [
            "`LATEST`",
            "`AFTER_SEQUENCE_NUMBER` with the last record it read",
            "a `b` c `d`",
            "no code",
            "",
            "1,000 `x`",
        ] {
            let parsed = match Markdown::parse(line).0.into_iter().next() {
                Some(Block::Paragraph(children)) => children,
                _ => Vec::new(),
            };
            assert_eq!(Markdown::inline_code(line), parsed, "{line:?}");
        }
        // An unpaired backtick stays text.
        assert_eq!(Markdown::inline_code("a ` b"), vec![Inline::Text("a ` b".into())]);
    }

    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.into())
    }

    fn paragraph(children: Vec<Inline>) -> Block {
        Block::Paragraph(children)
    }

    fn link(href: &str) -> Inline {
        Inline::Link { href: href.into(), children: vec![text("go")] }
    }

    #[track_caller]
    fn check(source: &str, expected: Vec<Block>) {
        assert_eq!(Markdown::parse(source), Markdown(expected));
    }

    #[test]
    fn blocks_and_inlines() {
        check(
            "## Why\n\nSame *key*, **same** `shard`.\nAlways.\n\n> quoted\n\n```rust\nlet x = 1;\n```\n",
            vec![
                Block::Heading { level: 2, children: vec![text("Why")] },
                paragraph(vec![
                    text("Same "),
                    Inline::Emphasis(vec![text("key")]),
                    text(", "),
                    Inline::Strong(vec![text("same")]),
                    text(" "),
                    Inline::Code("shard".into()),
                    text(". Always."),
                ]),
                Block::Quote(vec![paragraph(vec![text("quoted")])]),
                Block::CodeBlock("let x = 1;\n".into()),
            ],
        );
    }

    #[test]
    fn tight_and_loose_lists_both_hold_paragraphs() {
        let expected = |ordered| {
            vec![Block::List {
                ordered,
                items: vec![vec![paragraph(vec![text("one")])], vec![paragraph(vec![text("two")])]],
            }]
        };
        check("- one\n- two\n", expected(false));
        check("1. one\n\n2. two\n", expected(true));
        check(
            "- one\n  - nested\n",
            vec![Block::List {
                ordered: false,
                items: vec![vec![
                    paragraph(vec![text("one")]),
                    Block::List { ordered: false, items: vec![vec![paragraph(vec![text("nested")])]] },
                ]],
            }],
        );
    }

    #[test]
    fn raw_html_never_gets_through() {
        check("<script>alert(1)</script>\n\nafter\n", vec![paragraph(vec![text("after")])]);
        check("<img src=x onerror=alert(1)>\n", vec![]);
        check("a <script>b</script> c", vec![paragraph(vec![text("a b c")])]);
        check("a\n<script>\nalert(1)\n</script>\nb", vec![paragraph(vec![text("a")]), paragraph(vec![text("b")])]);
        check("<a href=\"javascript:alert(1)\">t</a>", vec![paragraph(vec![text("t")])]);
        check(
            "- <b onclick=x>bold</b>\n",
            vec![Block::List { ordered: false, items: vec![vec![paragraph(vec![text("bold")])]] }],
        );
        // Escaped markup is text, which the app shows as the characters typed.
        check("\\<script>", vec![paragraph(vec![text("<script>")])]);
    }

    #[test]
    fn only_safe_links_stay_links() {
        check(
            "[go](https://docs.aws.amazon.com/kinesis/)",
            vec![paragraph(vec![link("https://docs.aws.amazon.com/kinesis/")])],
        );
        check("[go](#quiz)", vec![paragraph(vec![link("#quiz")])]);
        check("[go](../02-resharding/)", vec![paragraph(vec![link("../02-resharding/")])]);
        check("[go](HTTPS://example.com)", vec![paragraph(vec![link("HTTPS://example.com")])]);
        for unsafe_link in [
            "[go](javascript:alert(1))",
            "[go](JavaScript:alert(1))",
            "[go](java&#9;script:alert(1))",
            "[go](java%0Ascript:alert(1)) ",
            "[go](javascript&#58;alert(1))",
            "[go](data:text/html,<script>alert(1)</script>)",
            "[go](vbscript:x)",
            "[go](http://example.com)",
            "[go]()",
            "<javascript:alert(1)>",
            "[go][ref]\n\n[ref]: javascript:alert(1)",
        ] {
            let parsed = Markdown::parse(unsafe_link);
            assert!(!format!("{parsed:?}").contains("Link"), "{unsafe_link:?} became a link: {parsed:?}");
        }
        // The text of a dropped link stays.
        check("[go](javascript:alert(1))", vec![paragraph(vec![text("go")])]);
    }

    #[test]
    fn images_become_their_alt_text() {
        check("see ![a diagram](https://example.com/x.png)", vec![paragraph(vec![text("see a diagram")])]);
    }

    #[test]
    fn a_document_round_trips_as_its_tree() {
        let doc = Markdown::parse(
            "# Hot keys\n\nA *hot* key, `pk-1`:\n\n- one\n- [docs](https://docs.aws.amazon.com/)\n\n> note",
        );
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(serde_json::from_str::<Markdown>(&json).unwrap(), doc);
        // Source text is still read, as lesson files hold it.
        assert_eq!(serde_json::from_str::<Markdown>("\"A *hot* key\"").unwrap(), Markdown::parse("A *hot* key"));
    }

    #[test]
    fn a_tree_with_an_unsafe_link_is_refused() {
        for (href, refused) in [("https://example.com", false), ("#quiz", false), ("javascript:alert(1)", true)] {
            let doc = Markdown(vec![Block::Quote(vec![paragraph(vec![Inline::Strong(vec![link(href)])])])]);
            let read = serde_json::from_str::<Markdown>(&serde_json::to_string(&doc).unwrap());
            match read {
                Ok(read) => assert!(!refused && read == doc, "{href}: {read:?}"),
                Err(err) => assert!(refused && err.to_string().contains("is not allowed"), "{href}: {err}"),
            }
        }
    }

    #[test]
    fn replace_fills_text_and_code_but_not_link_targets() {
        let template = Markdown::parse("Write {n} records: `{n}` per [call](#{n}).\n\n    n = {n}");
        assert_eq!(
            template.replace("{n}", "1,000"),
            Markdown(vec![
                paragraph(vec![
                    text("Write 1,000 records: "),
                    Inline::Code("1,000".into()),
                    text(" per "),
                    Inline::Link { href: "#{n}".into(), children: vec![text("call")] },
                    text("."),
                ]),
                Block::CodeBlock("n = 1,000".into()),
            ])
        );
    }
}

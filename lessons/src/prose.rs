//! A lesson's prose: `lesson.md`, split into its sections.
//!
//! The file is ordinary Markdown whose top-level (`#`) headings divide it:
//!
//! ```markdown
//! # Intro
//! What the learner reads first.
//! # Hint
//! The first, gentlest hint. Two to four `# Hint` sections, in order.
//! # Hint
//! …
//! # Explanation
//! Shown once the goals are met.
//! ```
//!
//! Deeper headings (`##`) are content, except the section words themselves:
//! `## Hint` is a mistake, not a heading in the intro. The heading words are
//! fixed so that a typo (`# Hints`) is an error rather than a silently
//! missing section.

use std::ops::{Range, RangeInclusive};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::error::{LessonError, Source};
use crate::markdown::Markdown;

/// How many hints a lesson gives: a ladder from a nudge to nearly the answer.
const HINTS: RangeInclusive<usize> = 2..=4;

/// The top-level headings a lesson's prose is divided by.
const SECTIONS: [&str; 3] = ["Intro", "Hint", "Explanation"];

/// `lesson.md`, parsed.
pub(crate) struct Prose {
    pub(crate) intro: Markdown,
    pub(crate) hints: Vec<Markdown>,
    pub(crate) explanation: Markdown,
}

/// A top-level heading and the text up to the next one.
struct Section {
    title: String,
    heading_at: usize,
    body: Markdown,
}

pub(crate) fn parse(source: &Source) -> Result<Prose, LessonError> {
    let sections = split(source)?;
    let sequence_error = |at: Option<&Section>, message: &str| {
        let (min, max) = (HINTS.start(), HINTS.end());
        let message =
            format!("{message}; the sections are `# Intro`, then {min} to {max} `# Hint`, then `# Explanation`");
        match at {
            Some(section) => source.error_at(section.heading_at, message),
            None => source.error(message),
        }
    };
    for section in &sections {
        if !SECTIONS.contains(&section.title.as_str()) {
            return Err(sequence_error(Some(section), &format!("unknown section `# {}`", section.title)));
        }
        if section.body.is_empty() {
            return Err(source.error_at(section.heading_at, format!("section `# {}` is empty", section.title)));
        }
    }
    let rest = match sections.split_first() {
        Some((first, rest)) if first.title == "Intro" => rest,
        first => return Err(sequence_error(first.map(|(s, _)| s), "the first section must be `# Intro`")),
    };
    let hints = match rest.split_last() {
        Some((last, hints)) if last.title == "Explanation" => hints,
        last => return Err(sequence_error(last.map(|(s, _)| s), "the last section must be `# Explanation`")),
    };
    if let Some(misplaced) = hints.iter().find(|s| s.title != "Hint") {
        return Err(sequence_error(Some(misplaced), &format!("`# {}` is out of place", misplaced.title)));
    }
    if !HINTS.contains(&hints.len()) {
        let (min, max, n) = (HINTS.start(), HINTS.end(), hints.len());
        let message = format!("a lesson needs {min} to {max} `# Hint` sections, and this one has {n}");
        // Too many: point at the first hint too many. Too few: no line has the problem.
        return Err(match hints.get(*HINTS.end()) {
            Some(extra) => source.error_at(extra.heading_at, message),
            None => source.error(message),
        });
    }
    let mut bodies = sections.into_iter().map(|section| section.body);
    let intro = bodies.next().expect("checked above");
    let explanation = bodies.next_back().expect("checked above");
    Ok(Prose { intro, hints: bodies.collect(), explanation })
}

/// Splits the file at its top-level `#` headings.
fn split(source: &Source) -> Result<Vec<Section>, LessonError> {
    let text = source.text;
    // Each top-level heading's level, title and byte range. A `#` heading
    // inside a quote or a list is content, so only headings at depth 0 count.
    let mut all_headings: Vec<(HeadingLevel, String, Range<usize>)> = Vec::new();
    let mut depth = 0usize;
    let mut in_title = false;
    for (event, range) in Parser::new(text).into_offset_iter() {
        let top_level = depth == 0;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) if top_level => {
                all_headings.push((level, String::new(), range));
                in_title = true;
            }
            Event::End(TagEnd::Heading(_)) if in_title => in_title = false,
            Event::Text(t) | Event::Code(t) if in_title => all_headings.last_mut().expect("in a title").1.push_str(&t),
            _ => {}
        }
    }
    // A section's heading written with `##` would be content, and the
    // learner would read a hint in the intro.
    if let Some((level, title, range)) =
        all_headings.iter().find(|(level, title, _)| *level != HeadingLevel::H1 && SECTIONS.contains(&title.trim()))
    {
        let (title, hashes) = (title.trim(), *level as usize);
        return Err(source.error_at(
            range.start,
            format!(
                "`{} {title}` is a section heading with {hashes} `#`; a section starts with one: `# {title}`",
                "#".repeat(hashes)
            ),
        ));
    }
    let headings: Vec<(String, Range<usize>)> = all_headings
        .into_iter()
        .filter(|(level, _, _)| *level == HeadingLevel::H1)
        .map(|(_, title, range)| (title, range))
        .collect();
    // Anything the learner would see before the first section is lost; an
    // HTML comment for authors is fine, as it is never shown.
    let preamble = &text[..headings.first().map_or(text.len(), |(_, range)| range.start)];
    if !Markdown::parse(preamble).is_empty() {
        let offset = preamble.find(|c: char| !c.is_whitespace()).unwrap_or(0);
        return Err(source.error_at(offset, "text before the first section; start the file with `# Intro`"));
    }
    let ends = headings.iter().skip(1).map(|(_, range)| range.start).chain([text.len()]);
    Ok(headings
        .iter()
        .zip(ends)
        .map(|((title, range), end)| Section {
            title: title.trim().to_string(),
            heading_at: range.start,
            body: Markdown::parse(&text[range.end..end]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{Block, Inline};

    fn parse_md(text: &str) -> Result<Prose, String> {
        parse(&Source { path: "lesson.md".into(), text }).map_err(|e| e.to_string())
    }

    fn paragraph(text: &str) -> Markdown {
        Markdown(vec![Block::Paragraph(vec![Inline::Text(text.into())])])
    }

    #[test]
    fn sections_in_order() {
        let prose =
            parse_md("# Intro\nHello.\n\n# Hint\nOne.\n# Hint\n\nTwo.\n\n# Explanation\n## Why\nBecause.\n").unwrap();
        assert_eq!(prose.intro, paragraph("Hello."));
        assert_eq!(prose.hints, [paragraph("One."), paragraph("Two.")]);
        assert_eq!(
            prose.explanation,
            Markdown(vec![
                Block::Heading { level: 2, children: vec![Inline::Text("Why".into())] },
                Block::Paragraph(vec![Inline::Text("Because.".into())]),
            ])
        );
    }

    #[test]
    fn a_hash_inside_code_or_a_quote_is_content() {
        let prose = parse_md("# Intro\n```\n# Hint\n```\n> # Hint\n# Hint\na\n# Hint\nb\n# Explanation\nc\n").unwrap();
        assert_eq!(prose.hints.len(), 2);
        assert_eq!(prose.intro.0.len(), 2);
    }

    #[track_caller]
    fn check_error(text: &str, expected: &str) {
        assert_eq!(parse_md(text).err().as_deref(), Some(expected));
    }

    const ORDER: &str = "the sections are `# Intro`, then 2 to 4 `# Hint`, then `# Explanation`";

    #[test]
    fn malformed_prose_is_reported_with_its_line() {
        check_error(
            "# Intro\na\n# Explanation\nb\n",
            "lesson.md: a lesson needs 2 to 4 `# Hint` sections, and this one has 0",
        );
        check_error(
            "# Intro\na\n# Hint\nb\n# Explanation\nc\n",
            "lesson.md: a lesson needs 2 to 4 `# Hint` sections, and this one has 1",
        );
        check_error(
            "# Intro\na\n# Hint\n1\n# Hint\n2\n# Hint\n3\n# Hint\n4\n# Hint\n5\n# Explanation\nc\n",
            "lesson.md:11: a lesson needs 2 to 4 `# Hint` sections, and this one has 5",
        );
        check_error(
            "# Intro\na\n# Hints\nb\n# Explanation\nc\n",
            &format!("lesson.md:3: unknown section `# Hints`; {ORDER}"),
        );
        check_error(
            "# Hint\na\n# Hint\nb\n# Explanation\nc\n",
            &format!("lesson.md:1: the first section must be `# Intro`; {ORDER}"),
        );
        check_error(
            "# Intro\na\n# Hint\nb\n# Hint\nc\n",
            &format!("lesson.md:5: the last section must be `# Explanation`; {ORDER}"),
        );
        check_error(
            "# Intro\na\n# Hint\nb\n# Intro\nc\n# Explanation\nd\n",
            &format!("lesson.md:5: `# Intro` is out of place; {ORDER}"),
        );
        check_error("# Intro\n\n# Hint\nb\n# Hint\nc\n# Explanation\nd\n", "lesson.md:1: section `# Intro` is empty");
        check_error(
            "\nWelcome!\n# Intro\na\n",
            "lesson.md:2: text before the first section; start the file with `# Intro`",
        );
        check_error("", &format!("lesson.md: the first section must be `# Intro`; {ORDER}"));
        // A comment for authors is not text the learner would lose.
        assert!(parse_md("<!-- Shardlab lesson -->\n# Intro\na\n# Hint\nb\n# Hint\nc\n# Explanation\nd\n").is_ok());
    }
}

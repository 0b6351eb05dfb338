//! Renders lesson Markdown from the sanitised AST of `shardlab-lessons`.
//!
//! Every piece of text becomes a DOM text node; nothing is ever parsed as
//! HTML, so lesson files cannot inject markup or script.

use leptos::prelude::*;
use shardlab_lessons::markdown::{Block, Inline, Markdown};

/// A Markdown document as DOM.
#[component]
pub fn Prose(#[prop(into)] doc: Markdown, #[prop(optional, into)] class: String) -> impl IntoView {
    view! { <div class=format!("prose {class}")>{blocks(doc.0)}</div> }
}

/// A line of lesson text with `code` spans (a quiz option, a sentence built
/// from them) as inline DOM in a `<span>`, code rendered as in lesson prose.
#[component]
pub fn InlineProse(#[prop(into)] text: String) -> impl IntoView {
    view! { <span class="inline-prose">{inlines(Markdown::inline_code(&text))}</span> }
}

fn blocks(blocks: Vec<Block>) -> AnyView {
    blocks.into_iter().map(block).collect_view().into_any()
}

fn block(block: Block) -> AnyView {
    match block {
        Block::Paragraph(children) => view! { <p>{inlines(children)}</p> }.into_any(),
        // Lesson headings sit under the page's h2 lesson title.
        Block::Heading { level: 1 | 2, children } => view! { <h3>{inlines(children)}</h3> }.into_any(),
        Block::Heading { children, .. } => view! { <h4>{inlines(children)}</h4> }.into_any(),
        Block::List { ordered: true, items } => view! { <ol>{list_items(items)}</ol> }.into_any(),
        Block::List { ordered: false, items } => view! { <ul>{list_items(items)}</ul> }.into_any(),
        Block::CodeBlock(text) => view! { <pre><code>{text}</code></pre> }.into_any(),
        Block::Quote(children) => view! { <blockquote>{blocks(children)}</blockquote> }.into_any(),
    }
}

fn list_items(items: Vec<Vec<Block>>) -> AnyView {
    items.into_iter().map(|item| view! { <li>{blocks(item)}</li> }).collect_view().into_any()
}

fn inlines(inlines: Vec<Inline>) -> AnyView {
    inlines.into_iter().map(inline).collect_view().into_any()
}

fn inline(inline: Inline) -> AnyView {
    match inline {
        Inline::Text(text) => text.into_any(),
        Inline::Code(text) => view! { <code>{text}</code> }.into_any(),
        Inline::Emphasis(children) => view! { <em>{inlines(children)}</em> }.into_any(),
        Inline::Strong(children) => view! { <strong>{inlines(children)}</strong> }.into_any(),
        Inline::Link { href, children } if href.starts_with("https:") => {
            view! { <a href=href target="_blank" rel="noopener noreferrer">{inlines(children)}</a> }.into_any()
        }
        Inline::Link { href, children } => view! { <a href=href>{inlines(children)}</a> }.into_any(),
    }
}

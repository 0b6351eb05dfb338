//! Long tables drawn a window at a time. A box of fixed height scrolls over
//! the whole table; only the rows in view (and a few either side) are in the
//! DOM, and spacer rows above and below stand in for the rest, so the scroll
//! bar is true to the table's length. `aria-rowcount` and `aria-rowindex`
//! tell a screen reader the same.
//!
//! Rows must be one line of [`ROW_HEIGHT`] pixels: the `.virtual` styles
//! fix their height and keep their text from wrapping.

use leptos::prelude::*;

/// A row's height in pixels, as `.virtual tbody tr` sets it.
pub const ROW_HEIGHT: usize = 34;
/// Rows that fit the box (its `max-height`), plus some either side so that
/// a fast scroll does not show blank space before the next frame.
pub const WINDOW_ROWS: usize = 10 + 2 * OVERSCAN;
const OVERSCAN: usize = 4;

/// The index of the first row to draw when the box is scrolled `scroll_top`
/// pixels down.
fn first_row(scroll_top: i32) -> usize {
    (scroll_top.max(0) as usize / ROW_HEIGHT).saturating_sub(OVERSCAN)
}

/// The heights of the spacers above and below the rows drawn from `first`
/// (at most [`WINDOW_ROWS`]) out of `total`.
fn spacer_heights(first: usize, total: usize) -> (usize, usize) {
    let first = first.min(total);
    let drawn = (total - first).min(WINDOW_ROWS);
    (first * ROW_HEIGHT, (total - first - drawn) * ROW_HEIGHT)
}

/// Where a virtual table is scrolled: set by the table as the learner
/// scrolls, read by whoever fetches its rows.
#[derive(Clone, Copy)]
pub struct Scroll {
    top: RwSignal<i32>,
    first: Memo<usize>,
}

/// Scrolled to the top.
impl Default for Scroll {
    fn default() -> Scroll {
        let top = RwSignal::new(0);
        Scroll { top, first: Memo::new(move |_| first_row(top.get())) }
    }
}

impl Scroll {
    /// The index of the first row to draw.
    pub fn first(&self) -> usize {
        self.first.get()
    }
}

/// A table drawn a window at a time in its scrolling box: the caption, the
/// column headers, and between the spacers `rows`, which draws the rows
/// from [`Scroll::first`] (at most [`WINDOW_ROWS`] of `total`, each with its
/// `aria-rowindex`: the index plus 2, row 1 being the header).
#[component]
pub fn VirtualTable<R, V>(
    /// What the scrolling region is called.
    label: &'static str,
    /// Classes of the table, besides `data-table`.
    class: &'static str,
    caption: &'static str,
    headers: &'static [&'static str],
    scroll: Scroll,
    #[prop(into)] total: Signal<usize>,
    rows: R,
) -> impl IntoView
where
    R: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let spacer = move |above: bool| {
        let height = move || {
            let (top, bottom) = spacer_heights(scroll.first(), total.get());
            format!("{}px", if above { top } else { bottom })
        };
        view! { <tr class="spacer" aria-hidden="true"><td colspan="99" style:height=height></td></tr> }
    };
    view! {
        <div
            class="table-scroll virtual"
            tabindex="0"
            role="region"
            aria-label=label
            on:scroll=move |ev| scroll.top.set(event_target::<web_sys::Element>(&ev).scroll_top())
        >
            <table class=format!("data-table {class}") aria-rowcount=move || total.get() + 1>
                <caption>{caption}</caption>
                <thead>
                    <tr aria-rowindex="1">
                        {headers.iter().map(|header| view! { <th scope="col">{*header}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {spacer(true)}
                    {rows}
                    {spacer(false)}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_follows_the_scroll_and_the_spacers_fill_the_rest() {
        // (scroll top in px, first row drawn)
        for (scroll_top, first) in [(-20, 0), (0, 0), (33, 0), (34 * 4, 0), (34 * 5, 1), (34 * 100 + 10, 96)] {
            assert_eq!(first_row(scroll_top), first, "scrolled {scroll_top} px");
        }
        // 1,000 rows, 18 drawn from row 96: 96 above, 886 below.
        assert_eq!(spacer_heights(96, 1000), (96 * 34, 886 * 34));
        // Fewer rows than the window: nothing below.
        assert_eq!(spacer_heights(0, 5), (0, 0));
        // Scrolled past the end of a table that shrank: the rows above are all there is.
        assert_eq!(spacer_heights(50, 20), (20 * 34, 0));
    }
}

//! The simulated clock: play, pause, single step, speed and reset, with
//! keyboard shortcuts (listed under `?`).

use leptos::ev;
use leptos::prelude::*;
use shardlab_core::Duration;

use crate::format::{clock, count};
use crate::hooks::ClockNote;
use crate::sim_handle::SimHandle;

/// Speeds a learner can pick, in percent of real time: 0.25× to 1000×.
pub const SPEEDS: [u32; 9] = [25, 50, 100, 200, 500, 1_000, 5_000, 10_000, 100_000];

/// How far one press of Step moves the clock.
pub const STEP: Duration = Duration::from_secs(1);

/// `25` → `0.25×`, `100_000` → `1000×`.
pub fn speed_label(percent: u32) -> String {
    if percent.is_multiple_of(100) {
        format!("{}×", percent / 100)
    } else {
        format!("{}×", f64::from(percent) / 100.0)
    }
}

/// The next speed up (`faster`) or down from `percent`, staying in range.
fn next_speed(percent: u32, faster: bool) -> u32 {
    let idx = SPEEDS.iter().position(|&s| s == percent).unwrap_or(2);
    let idx = if faster { (idx + 1).min(SPEEDS.len() - 1) } else { idx.saturating_sub(1) };
    SPEEDS[idx]
}

/// The keyboard shortcuts, for the `?` overlay and the buttons' titles.
pub const SHORTCUTS: [(&str, &str); 8] = [
    (
        "Space",
        "play or pause the clock; a focused button or field takes Space itself, bar the ? button (Enter opens this list)",
    ),
    ("S", "step the clock by one second"),
    ("+ / −", "faster / slower"),
    ("U", "undo your last action"),
    ("[ / ]", "scrub the timeline back / forward (act or play to branch from there)"),
    ("R", "reset the lesson's simulation"),
    ("?", "show or hide these shortcuts"),
    ("Esc", "close this list"),
];

/// Clock controls. `running` and `speed` (percent) drive the ticker in `App`.
#[component]
pub fn ClockBar(running: RwSignal<bool>, speed: RwSignal<u32>, #[prop(into)] on_reset: Callback<()>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let help_open = RwSignal::new(false);
    let help_button = NodeRef::<leptos::html::Button>::new();
    let help_list = NodeRef::<leptos::html::Div>::new();
    // The list takes focus when it opens, so that a screen reader reads it
    // and Esc or Close hands focus back to the "?" button.
    Effect::new(move |_| {
        if let Some(list) = help_list.get() {
            let _ = list.focus();
        }
    });
    let close_help = move || {
        if help_open.get_untracked() {
            help_open.set(false);
            if let Some(button) = help_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };

    // Shortcuts work anywhere except while typing in a field.
    let handle = window_event_listener(ev::keydown, move |event| {
        let target = event.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
        let tag = target.as_ref().map(web_sys::Element::tag_name).unwrap_or_default();
        let typing = matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT");
        // Space and Enter press a focused button, link or disclosure: they are
        // not the clock's. Bar one: Space on the "?" button, where focus
        // returns when the list closes, plays or pauses as the list says;
        // Enter opens the list.
        let on_help = target.as_ref().is_some_and(|t| t.class_name().split_whitespace().any(|c| c == "help"));
        let pressing = matches!(tag.as_str(), "BUTTON" | "A" | "SUMMARY")
            && matches!(event.key().as_str(), " " | "Enter")
            && !(on_help && event.key() == " ");
        if typing || pressing || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let handled = match event.key().as_str() {
            " " => {
                running.update(|r| *r = !*r);
                true
            }
            "s" | "S" => {
                sim.advance(STEP);
                true
            }
            "+" | "=" => {
                speed.update(|s| *s = next_speed(*s, true));
                true
            }
            "-" | "_" => {
                speed.update(|s| *s = next_speed(*s, false));
                true
            }
            "r" | "R" => {
                on_reset.run(());
                true
            }
            "u" | "U" => {
                sim.undo();
                true
            }
            "[" | "]" => {
                running.set(false);
                let (points, at) = sim.timeline();
                let current = at.unwrap_or(points.len().saturating_sub(1));
                let target = if event.key() == "[" { current.saturating_sub(1) } else { current + 1 };
                if target < points.len() {
                    sim.scrub_to(target);
                }
                true
            }
            "?" => {
                if help_open.get_untracked() {
                    close_help();
                } else {
                    help_open.set(true);
                }
                true
            }
            "Escape" if help_open.get_untracked() => {
                close_help();
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());

    // Why the clock runs slower than asked, or stopped (none on pages without a ticker).
    let note = use_context::<ClockNote>();
    view! {
        <div class="clock-bar" role="group" aria-label="Simulated clock">
            <span class="clock mono" aria-live="off" title="Simulated time (UTC)">{move || clock(sim.now())}</span>
            <button
                class="play"
                title="Play or pause (Space)"
                aria-pressed=move || running.get().to_string()
                // The word not shown, which the style sheet lays unseen in
                // the same cell, so that the button is as wide either way and
                // Step stays put; the button's text is the one word shown.
                data-other=move || if running.get() { "Play" } else { "Pause" }
                on:click=move |_| running.update(|r| *r = !*r)
            >
                <span>{move || if running.get() { "Pause" } else { "Play" }}</span>
            </button>
            <button class="step" title="Advance one simulated second (S)" on:click=move |_| sim.advance(STEP)>
                "Step 1 s"
            </button>
            <label class="speed" title="Speed (+ / −)">
                <span class="visually-hidden">"Speed"</span>
                <select on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() {
                        speed.set(s);
                    }
                }>
                    {SPEEDS.into_iter().map(|s| view! {
                        <option value=s.to_string() selected=move || speed.get() == s>{speed_label(s)}</option>
                    }).collect_view()}
                </select>
            </label>
            <button title="Undo your last action (U)" disabled=move || !sim.can_undo() on:click=move |_| sim.undo()>"Undo"</button>
            <button title="Reset the simulation (R)" on:click=move |_| on_reset.run(())>"Reset"</button>
            <button node_ref=help_button class="help" title="Keyboard shortcuts (?)" aria-expanded=move || help_open.get().to_string() on:click=move |_| help_open.update(|o| *o = !*o)>
                "?"
            </button>
        </div>
        <Timeline running=running />
        {move || note.and_then(|note| note.0.get()).map(|text| view! { <p class="clock-note" role="status">{text}</p> })}
        {move || help_open.get().then(|| view! {
            <div node_ref=help_list class="shortcuts" role="dialog" aria-label="Keyboard shortcuts" tabindex="-1">
                <h2>"Keyboard shortcuts"</h2>
                <dl>
                    {SHORTCUTS.iter().map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
                <button on:click=move |_| close_help()>"Close"</button>
            </div>
        })}
    }
}

/// A slider over the timeline's points: drag back to any earlier moment;
/// acting or playing from there branches.
#[component]
fn Timeline(running: RwSignal<bool>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let timeline = Memo::new(move |_| sim.timeline());
    let n_points = move || timeline.with(|(points, _)| points.len());
    let position = move || timeline.with(|(points, at)| at.unwrap_or(points.len().saturating_sub(1)));
    let label = move || {
        timeline.with(|(points, at)| match at {
            Some(idx) => format!("Viewing {} — act or play to branch from here", clock(points[*idx])),
            None if points.len() == 1 => "Timeline: 1 moment kept".to_string(),
            None => format!("Timeline: {} moments kept", count(points.len() as u64)),
        })
    };
    view! {
        <label class="timeline" title="Scrub back in time ([ and ])">
            <span class="timeline-label">{label}</span>
            // A phone has no room for the label above: a word names the slider on screen.
            <span class="timeline-short" aria-hidden="true">"Timeline"</span>
            <input
                type="range"
                aria-label="Timeline"
                aria-valuetext=move || timeline.with(|(points, at)| {
                    points.get(at.unwrap_or(points.len().saturating_sub(1))).map(|&at| clock(at)).unwrap_or_default()
                })
                min="0"
                max=move || n_points().saturating_sub(1).to_string()
                prop:value=move || position().to_string()
                on:input=move |ev| {
                    if let Ok(idx) = event_target_value(&ev).parse::<usize>() {
                        running.set(false);
                        sim.scrub_to(idx);
                    }
                }
            />
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speeds_are_labelled_as_multiples() {
        let labels: Vec<String> = SPEEDS.iter().map(|&s| speed_label(s)).collect();
        assert_eq!(labels, ["0.25×", "0.5×", "1×", "2×", "5×", "10×", "50×", "100×", "1000×"]);
    }

    #[test]
    fn speed_steps_stop_at_the_ends() {
        assert_eq!(next_speed(100, true), 200);
        assert_eq!(next_speed(100, false), 50);
        assert_eq!(next_speed(25, false), 25);
        assert_eq!(next_speed(100_000, true), 100_000);
    }
}

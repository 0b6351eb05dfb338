//! The simulated clock: play, pause, speed and reset.

use leptos::prelude::*;

use crate::format::clock;
use crate::sim_handle::SimHandle;

/// Speeds a learner can pick, as multiples of real time.
pub const SPEEDS: [u32; 4] = [1, 2, 5, 10];

/// Clock controls. `running` and `speed` drive the ticker in `App`.
#[component]
pub fn ClockBar(running: RwSignal<bool>, speed: RwSignal<u32>, #[prop(into)] on_reset: Callback<()>) -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    view! {
        <div class="clock-bar" role="group" aria-label="Simulated clock">
            <span class="clock mono" aria-live="off" title="Simulated time (UTC)">{move || clock(sim.now())}</span>
            <button
                class="play"
                aria-pressed=move || running.get().to_string()
                on:click=move |_| running.update(|r| *r = !*r)
            >
                {move || if running.get() { "Pause" } else { "Play" }}
            </button>
            <label class="speed">
                <span class="visually-hidden">"Speed"</span>
                <select on:change=move |ev| {
                    if let Ok(s) = event_target_value(&ev).parse() {
                        speed.set(s);
                    }
                }>
                    {SPEEDS.into_iter().map(|s| view! {
                        <option value=s.to_string() selected=move || speed.get() == s>{format!("{s}×")}</option>
                    }).collect_view()}
                </select>
            </label>
            <button on:click=move |_| on_reset.run(())>"Reset"</button>
        </div>
    }
}

//! "Export as a script": this session's Kinesis calls as an AWS CLI or a
//! boto3 script (see [`crate::export`]), to copy or download and run
//! against AWS, LocalStack or `shardlab-api --listen`. The script is written
//! only while the learner has it open.

use leptos::prelude::*;
use shardlab_core::call_log::CallLog;

use crate::export::{aws_cli_script, boto3_script};
use crate::format::plural;
use crate::sim_handle::SimHandle;

/// The two kinds of script, with their labels and file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    AwsCli,
    Boto3,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::AwsCli => "AWS CLI (bash)",
            Kind::Boto3 => "boto3 (Python)",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Kind::AwsCli => "shardlab-session.sh",
            Kind::Boto3 => "shardlab-session.py",
        }
    }

    fn script(self, calls: &CallLog) -> String {
        match self {
            Kind::AwsCli => aws_cli_script(calls),
            Kind::Boto3 => boto3_script(calls),
        }
    }
}

/// The panel: a choice of script, the script, and Copy and Download.
#[component]
pub fn ExportPanel() -> impl IntoView {
    let sim = expect_context::<SimHandle>();
    let open = RwSignal::new(false);
    let kind = RwSignal::new(Kind::AwsCli);
    let copied = RwSignal::new(None::<&'static str>);
    // Shared chunks: a clone per tick is cheap, and equal logs change nothing.
    let calls =
        Memo::new(move |_| if open.get() { sim.with(|s| s.kinesis_calls().clone()) } else { CallLog::default() });
    let script = Memo::new(move |_| calls.with(|calls| kind.get().script(calls)));
    let n_calls = move || calls.with(CallLog::len);
    let copy = move |_| {
        let Some(window) = web_sys::window() else { return };
        let written = window.navigator().clipboard().write_text(&script.get_untracked());
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(written).await.is_ok();
            copied.set(Some(if done {
                "Copied."
            } else {
                "This browser did not let the page copy: select the text instead."
            }));
        });
    };
    view! {
        <section class="panel export-panel" aria-labelledby="export-title">
            <details on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                <summary><h2 id="export-title">"Export as a script"</h2></summary>
                <p class="muted">
                    "This session's Kinesis calls, to make the same streams, shards and records on AWS: save it, then run "
                    <code>"bash shardlab-session.sh"</code> " (the AWS CLI, configured) or " <code>"python3 shardlab-session.py"</code>
                    " (boto3). Set ENDPOINT to run it against a local Kinesis instead: LocalStack, or Shardlab's own "
                    <code>"shardlab-api --listen"</code> " (see the project's README). Your calls come after the set-up lines."
                </p>
                <fieldset class="export-kind">
                    <legend>"Script"</legend>
                    {[Kind::AwsCli, Kind::Boto3].map(|choice| view! {
                        <label>
                            <input
                                type="radio"
                                name="export-kind"
                                prop:checked=move || kind.get() == choice
                                on:change=move |_| { kind.set(choice); copied.set(None); }
                            />
                            {choice.label()}
                        </label>
                    })}
                </fieldset>
                <p role="status">{move || format!("{}.", plural(n_calls(), "call"))}</p>
                <textarea class="export-script mono" readonly rows="12" spellcheck="false" aria-label="The script" prop:value=move || script.get()></textarea>
                <div class="export-actions">
                    <button type="button" on:click=copy>"Copy the script"</button>
                    <a
                        download=move || kind.get().file_name()
                        href=move || format!("data:text/plain;charset=utf-8,{}", String::from(js_sys::encode_uri_component(&script.get())))
                    >
                        "Download"
                    </a>
                    {move || copied.get().map(|note| view! { <span role="status">{note}</span> })}
                </div>
            </details>
        </section>
    }
}

//! The page's components, one per file.

pub mod api_call;
pub mod api_console;
pub mod batch_form;
pub mod clients_panel;
pub mod clock_bar;
pub mod clock_move;
pub mod consumer_panel;
pub mod delivery_panel;
pub mod export_panel;
pub mod fault_panel;
pub mod generator_panel;
pub mod inspector;
pub mod kcl_panel;
pub mod lambda_panel;
pub mod lesson_panel;
pub mod lineage;
pub mod markdown;
pub mod metrics_panel;
pub mod put_form;
pub mod question;
pub mod sqs_panel;
pub mod stream_view;
pub mod task_forms;
pub mod virtual_rows;

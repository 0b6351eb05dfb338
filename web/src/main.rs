fn main() {
    shardlab_web::panic_hook::install();
    leptos::mount::mount_to_body(shardlab_web::App);
    shardlab_web::offline::register();
}

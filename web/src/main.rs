//! Entry point of the smtplab browser app: takes down the page's loading
//! note and mounts the root component into `<body>`. Built by Trunk from
//! the repository's `index.html` (`cargo xtask build`).

fn main() {
    if let Some(loading) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("loading"))
    {
        loading.remove();
    }
    yew::Renderer::<smtplab_web::app::App>::new().render();
}

//! Entry point of the smtplab browser app: mounts the root component into
//! `<body>`. Built by Trunk from the repository's `index.html`
//! (`cargo xtask build`).

fn main() {
    yew::Renderer::<smtplab_web::app::App>::new().render();
}

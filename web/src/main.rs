//! Entry point of the smtplab browser app: mounts the root component
//! ([`app::App`]) into `<body>`. Built by Trunk from the repository's
//! `index.html` (`cargo xtask build`).

mod app;
mod components;
mod guide;
mod lab;
mod share;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}

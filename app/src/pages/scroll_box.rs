//! A box that scrolls sideways when a wide table does not fit the screen. It is
//! focusable and named, so keyboard users can scroll it as well.

use leptos::prelude::*;

#[component]
pub fn ScrollBox(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="scroll" tabindex="0" role="region" aria-label=label>
            {children()}
        </div>
    }
}

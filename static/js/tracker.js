// Starts NHS.UK frontend's components, and starts them again in any part of
// the page htmx swaps in. Loaded as a module: browsers without module support
// get the plain HTML, which works on its own.
import { initAll } from "./nhsuk-frontend.min.js";

// NHS.UK frontend's template sets these from an inline script; our CSP allows
// none, and a module only runs where the frontend is supported anyway.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();

document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.detail.elt });
});

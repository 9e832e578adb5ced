// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first error so screen-reader and keyboard users land on it.
  const firstError = document.querySelector("[aria-invalid='true'], .is-invalid, #form-errors");
  if (firstError) firstError.focus({ preventScroll: false });
  // Print buttons (recovery codes) without inline handlers, which the CSP forbids.
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
});

// Keyboard helpers of the workbench (no framework; htmx does the rest).
document.addEventListener("keydown", (event) => {
  // Ctrl+Enter (or Cmd+Enter) saves the form the focus is in: the hotline desk works keyboard-only.
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    const form = event.target.closest && event.target.closest("form");
    if (form) { event.preventDefault(); form.requestSubmit(); }
  }
});
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches && box.matches("[data-select-all]")) {
    const name = box.getAttribute("data-select-all");
    box.closest("form").querySelectorAll(`input[name="${name}"]`).forEach((item) => { item.checked = box.checked; });
  }
});
// Alt+<key> follows the link with that access key. Browsers differ (Alt, Alt+Shift, Ctrl+Alt) and
// some ignore access keys altogether, so the shortcut is handled here the same way everywhere.
document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.key.length !== 1) return;
  const link = document.querySelector(`a[accesskey="${event.key.toLowerCase()}"]`);
  if (link) { event.preventDefault(); link.click(); }
});
// Put the caret in the form's first field on arrival: the autofocus attribute alone is not
// honoured by every browser after a keyboard-triggered navigation.
document.addEventListener("DOMContentLoaded", () => {
  const first = document.querySelector("[autofocus]");
  if (first && (document.activeElement === document.body || !document.activeElement)) first.focus();
});

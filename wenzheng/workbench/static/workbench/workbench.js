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

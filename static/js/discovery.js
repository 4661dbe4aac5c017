// "Make insight from selection": copy the passage selected in the notes into a new insight.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-make-insight]");
  if (!button) return;
  const notes = document.getElementById("id_notes");
  const text = document.getElementById("id_text");
  if (!notes || !text) return;
  const selected = notes.value.slice(notes.selectionStart, notes.selectionEnd).trim();
  if (!selected) {
    button.textContent = "Select a passage in the notes first";
    setTimeout(() => { button.textContent = "Make insight from selection"; }, 2500);
    return;
  }
  text.value = selected.replace(/^[>*\-\s]+/gm, "").trim();
  const kind = document.getElementById("id_kind");
  if (kind && !kind.value) kind.value = "quote";
  text.focus();
});

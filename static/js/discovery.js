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

// The notes editor says honestly whether the text is saved, and never lets words slip away.
(() => {
  const notes = document.getElementById("id_notes");
  if (!notes) return;
  let dirty = false;
  let sent = null;
  let stash = null;
  const say = (text, tone) => {
    const status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.className = `save-status ${tone || ""}`;
  };
  notes.addEventListener("input", () => {
    dirty = true;
    say("Unsaved changes…");
  });
  document.body.addEventListener("htmx:configRequest", (event) => {
    if (event.detail.elt === notes) sent = notes.value;
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.requestConfig.elt !== notes) return;
    const xhr = event.detail.xhr;
    if (xhr.responseURL && new URL(xhr.responseURL).pathname.startsWith("/accounts/login/")) {
      event.detail.shouldSwap = false;  // the session ended: do not paste a login page here
      say("Not saved: your session ended. Log in again in another tab; your text is still here.", "bad");
    } else if (xhr.status === 409) {
      stash = notes.value;  // include what was typed while the conflicting save was in flight
    }
  });
  document.body.addEventListener("htmx:afterSwap", () => {
    const merged = document.getElementById("id_merged_notes");
    if (merged && stash !== null) {
      merged.value = stash;
      merged.focus();
      stash = null;
    }
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt !== notes) return;
    if (event.detail.successful && notes.value === sent) dirty = false;
  });
  const failed = (event) => {
    if (event.detail.elt !== notes) return;
    say("Not saved: the server did not answer. Your text is still here; keep typing to retry.", "bad");
  };
  document.body.addEventListener("htmx:sendError", failed);
  document.body.addEventListener("htmx:responseError", failed);
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  // Back (or Forward) can show this page again from the browser's back/forward cache, as it was
  // left: a save that finished after leaving never told the page its new version, so the next
  // keystroke would conflict with the user's own save. Ask the server what is saved now.
  window.addEventListener("pageshow", async (event) => {
    if (!event.persisted || !notes.dataset.notesUrl) return;
    const version = document.getElementById("notes-version");
    let saved;
    try {
      const response = await fetch(notes.dataset.notesUrl, {
        headers: { Accept: "application/json" },
        cache: "no-store",
        credentials: "same-origin",
      });
      if (!response.ok) return;
      saved = await response.json();
    } catch {
      return;  // offline: the next save says whether it went through
    }
    if (!version || String(saved.version) === version.value) return;
    if (saved.notes === notes.value) {
      version.value = saved.version;  // the text here is what is saved: carry on from it
      dirty = false;
      say("Saved", "ok");
    } else if (!dirty) {
      window.location.reload();  // saved since (elsewhere): show what is saved now
    }
    // Unsaved words that differ from the saved text: the next save shows both to merge.
  });
})();

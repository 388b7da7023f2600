// Progressive enhancement only: every page works without it. A changed filter applies at once.
document.querySelectorAll("form.filters select").forEach(s => s.addEventListener("change", () => s.form.submit()));

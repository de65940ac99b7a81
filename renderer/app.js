// Placeholder window until the Svelte renderer lands: shows which backend the engine chose.
const show = (text) => (document.getElementById('backend').textContent = text);
window.api.app.ready();
window.api.engine.call('info-1', 'info', {}).then((r) => {
  if (r.ok) show(`Engine: ${r.value.backend.label}. Data folder: ${r.value.home}. Model: ${r.value.currentModel ?? 'built-in (zero-shot)'}`);
  else show(`The engine could not start: ${r.error.message}`);
});

// Placeholder window until the Svelte renderer lands: shows which backend the engine chose.
window.api
  .info()
  .then((info) => {
    document.getElementById('backend').textContent = `Engine: ${info.backend.label}. Data folder: ${info.home}. Model: ${info.currentModel ?? 'built-in (zero-shot)'}`;
  })
  .catch((err) => {
    document.getElementById('backend').textContent = `The engine could not start: ${err.message}`;
  });

// Progressive enhancement only: every page works without it. Adds a "Copy" button after
// each read-only field marked data-copy (client ids, secrets, URLs).
document.querySelectorAll('input[data-copy]').forEach((field) => {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'copy';
  button.textContent = 'Copy';
  button.setAttribute('aria-label', 'Copy ' + (field.labels[0]?.textContent ?? 'the value'));
  button.addEventListener('click', async () => {
    field.select();
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = 'Copied';
    } catch {
      document.execCommand('copy');
      button.textContent = 'Selected: press Ctrl+C';
    }
  });
  field.after(button);
});

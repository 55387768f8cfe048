// Saves text the core produced (CSV, JSON) as a file through the browser's download
// machinery: a Blob URL on a temporary <a download>. Works the same in Electron and in
// browser mode, and needs no file-system access in the renderer.

export function downloadText(fileName: string, text: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

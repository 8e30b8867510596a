// Opens the browser's print dialogue on the printable record when the GP followed
// "Print this record" (?print=1). A static module, because the CSP forbids inline script;
// without JavaScript the page still prints with the browser's own print command.
if (new URLSearchParams(window.location.search).get('print') === '1') {
  window.addEventListener('load', () => window.print())
}

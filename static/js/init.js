// Marks <body> as JavaScript-capable the NHS.UK way, then starts nhsuk-frontend.
// nhsuk-frontend's template.njk does this with an inline script; our CSP forbids inline
// script, so this module does it instead. Module scripts only run in browsers that
// support ES modules, which is nhsuk-frontend's own test for "nhsuk-frontend-supported".
// Until this runs (or if it never does) conditional reveals stay visible.
import { initAll } from '../nhsuk/nhsuk-frontend.min.js';
import './timeout-warning.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// The password fields' only script (served as /assets/password-field.js, same origin, so the CSP holds).
// Without it each field is a plain password input with the server's rules listed under it; the server
// checks every rule on saving. This adds: the rules ticked off as typed, a strength estimate, and a
// Show password toggle. The estimate is only a guide — the server's judgement (zxcvbn) decides.

const YEAR_OR_DATE = /(19|20)\d\d|\d{1,2}[/.-]\d{1,2}/;
// A few of the words cracking tools (and the server's dictionary) try first; the server knows many more.
const COMMON = /pass(word)?|qwert|letmein|welcome|admin|login|gatehouse|portal|member|12345|abc123|iloveyou/i;
const LABELS = ['Too short', 'Weak', 'Fair', 'Good', 'Strong'];

/** Words of the person the password must not be built from: given by the page and typed in its fields. */
function personalWords(input) {
  const given = JSON.parse(input.dataset.words || '[]');
  const typed = (input.dataset.wordFields || '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.value ?? '');
  const words = [];
  for (const w of [...given, ...typed]) {
    for (const part of [w, ...w.split(/[^\p{L}\p{N}]+/u)]) {
      const word = part.trim().toLowerCase();
      if (word.length >= 3) words.push(word);
    }
  }
  return words;
}

/** 0–4 like the server's scale; low for the patterns cracking tools try first. */
function estimate(password, minLength, personal) {
  if (password.length < minLength) return 0;
  if (personal) return 1;
  // Four or more different words: the kind of phrase the rules recommend (a year added does no harm).
  const words = new Set(
    password
      .toLowerCase()
      .split(/[^\p{L}]+/u)
      .filter((w) => w.length >= 3),
  );
  if (words.size >= 4 && password.length >= 20) return 4;
  if (YEAR_OR_DATE.test(password) || COMMON.test(password)) return 1;
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^a-zA-Z\d]/.test(password)) pool += 33;
  // Repeated characters add little: count each run once.
  const bits = password.replace(/(.)\1+/g, '$1').length * Math.log2(Math.max(pool, 2));
  if (bits >= 90) return 4;
  if (bits >= 70) return 3;
  return bits >= 55 ? 2 : 1;
}

function mark(item, state, said) {
  if (!item) return;
  item.dataset.state = state;
  item.querySelector('.rule-said').textContent = said;
}

function update(field) {
  const input = field.querySelector('input');
  const password = input.value;
  const minLength = Number(input.dataset.minLength);
  const lower = password.toLowerCase();
  const found = personalWords(input).find((w) => lower.includes(w));
  const lengthOk = password.length >= minLength && password.length <= 256;
  const typed = password.length > 0;
  mark(
    field.querySelector('[data-rule="length"]'),
    lengthOk ? 'met' : 'unmet',
    lengthOk ? 'Met: ' : 'Not yet: ',
  );
  mark(
    field.querySelector('[data-rule="personal"]'),
    !typed ? 'unmet' : found ? 'warn' : 'met',
    !typed ? 'Not yet: ' : found ? `Contains “${found}”: ` : 'Met: ',
  );
  const score = typed ? estimate(password, minLength, Boolean(found)) : 0;
  const meter = field.querySelector('meter');
  meter.value = score;
  field.querySelector('.password-strength [aria-live]').textContent = typed
    ? `Strength (an estimate): ${LABELS[score]}`
    : 'Strength: not typed yet';
}

function enhance(field) {
  if (field.dataset.enhanced) return;
  field.dataset.enhanced = 'yes';
  const input = field.querySelector('input');
  const toggle = field.querySelector('.password-toggle');
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(show));
  });
  // Shown passwords go back to hidden before the form is sent, so the browser does not keep them.
  input.form?.addEventListener('submit', () => {
    input.type = 'password';
    toggle.setAttribute('aria-pressed', 'false');
  });
  field.querySelector('.password-strength').hidden = false;
  input.addEventListener('input', () => update(field));
  for (const id of (input.dataset.wordFields || '').split(' ').filter(Boolean)) {
    document.getElementById(id)?.addEventListener('input', () => update(field));
  }
  update(field);
}

for (const field of document.querySelectorAll('[data-password-field]')) enhance(field);

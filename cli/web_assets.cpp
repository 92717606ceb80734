#include "web_assets.h"

namespace triage::cli {

namespace {

constexpr std::string_view kCss = R"css(
:root { --ink: #1d2330; --muted: #5b6475; --line: #d5dae3; --say: #eef6ee; --say-edge: #2e7d32;
        --do: #f4f1e8; --do-edge: #8a6d1d; --accent: #1f5fbf; --danger: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.45 system-ui, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f7f8fa; }
header { display: flex; gap: 1rem; align-items: center; padding: .5rem 1.25rem; background: #23324d; color: #fff; }
header .who { margin-left: auto; opacity: .85; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1rem; margin: 1.25rem 0 .4rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.crumbs { color: var(--muted); font-size: .95rem; }
.meta { color: var(--muted); font-size: .9rem; margin: .25rem 0 1rem; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) 19rem; gap: 1.5rem; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
.say, .do { border-left: 6px solid; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; }
.say { background: var(--say); border-color: var(--say-edge); font-size: 1.3rem; }
.do { background: var(--do); border-color: var(--do-edge); }
.label { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.say p, .do p { margin: .25rem 0 0; white-space: pre-line; }
.options { display: grid; gap: .5rem; margin: 1rem 0; }
.options form, .options button { width: 100%; }
button { font: inherit; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: .45rem .9rem; cursor: pointer; }
button:hover { border-color: var(--accent); }
button:focus-visible { outline: 3px solid #9cc1ff; }
button.option { text-align: left; font-size: 1.15rem; padding: .8rem 1rem; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
button.big { font-size: 1.15rem; padding: .8rem 1.4rem; }
button.danger { color: var(--danger); border-color: var(--danger); }
button.small { font-size: .9rem; padding: .25rem .7rem; }
.key { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px; background: #e7ecf5; color: var(--accent); font-weight: 600; margin-right: .4rem; }
form.inline { display: inline; }
form.stack { display: grid; gap: .4rem; } form.stack > * { min-width: 0; width: 100%; }
input, select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 6px; }
form.input { display: flex; gap: .5rem; margin: 1rem 0; } form.input input { flex: 1; font-size: 1.2rem; }
aside { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .25rem 1rem 1rem; align-self: start; }
dl { display: grid; grid-template-columns: auto 1fr; gap: .2rem .8rem; margin: 0; } dt { color: var(--muted); }
dl.facts { display: block; } dl.facts dt { margin-top: .6rem; } dl.facts dd { margin: 0; }
form.fix { display: flex; gap: .4rem; margin-top: .25rem; } form.fix select { flex: 1; min-width: 0; }
.row { margin-top: 1.5rem; }
.error { color: var(--danger); font-weight: 600; }
.notice { background: #e8f0fe; border-radius: 6px; padding: .5rem .8rem; }
.notice.repeat { background: #f6e8fb; border-left: 6px solid #8e24aa; font-weight: 600; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 1rem; background: #fff; }
fieldset label { margin-right: 1.5rem; }
label.case { display: block; padding: .3rem 0; font-size: 1.1rem; }
header nav.top a { color: #fff; margin-right: 1rem; }
pre.diag { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; overflow-x: auto; font-size: .9rem; }
table.cases { border-collapse: collapse; } table.cases td { padding: .3rem .8rem .3rem 0; border-bottom: 1px solid var(--line); }
figure.graph { margin: 1rem 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .5rem; overflow-x: auto; }
figure.graph img { max-width: 100%; height: auto; }
details.why { margin-top: 1rem; color: var(--muted); font-size: .92rem; } details.why summary { cursor: pointer; }
details.why ol { padding-left: 1.5rem; } details.why li { margin: .15rem 0; }
p.hint { min-height: 1.4em; margin: -.5rem 0 1rem; font-size: .95rem; } p.hint.bad { color: var(--danger); }
input[aria-invalid=true] { border-color: var(--danger); outline-color: var(--danger); }
form.login { display: grid; gap: .75rem; max-width: 22rem; } form.login label { display: grid; gap: .2rem; }
table.board { border-collapse: collapse; background: #fff; margin: 0 0 1rem; min-width: 24rem; }
table.board th, table.board td { border-bottom: 1px solid var(--line); padding: .3rem .7rem; text-align: left; vertical-align: top; }
table.board th { font-size: .85rem; color: var(--muted); font-weight: 600; }
#by-node { width: 100%; } #by-node td:nth-child(n+2):nth-child(-n+7) { text-align: right; white-space: nowrap; }
.figures { display: flex; flex-wrap: wrap; gap: .75rem; margin: 0 0 1rem; }
.figure { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .5rem .9rem; min-width: 9rem; }
.figure b { display: block; font-size: 1.5rem; } .figure span { color: var(--muted); font-size: .9rem; }
.columns { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
)css";

// Number keys press the matching option; the forms work without this. On the supervisor board
// the server-sent events replace the live part; without JavaScript a reload does the same.
constexpr std::string_view kJs = R"js(
var live = document.getElementById('board-live');
if (live && window.EventSource) {
  var source = new EventSource(live.getAttribute('data-stream'));
  source.addEventListener('board', function (ev) { live.innerHTML = ev.data; });
}
document.addEventListener('keydown', function (ev) {
  var t = ev.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
  if (ev.ctrlKey || ev.altKey || ev.metaKey) return;
  var b = document.querySelector('button[data-key="' + ev.key + '"]');
  if (b) { ev.preventDefault(); b.click(); }
});
// A typed field (SNILS, phone...) is checked as it is typed by the engine's own validator
// (POST /validate); the message shows under the field. The server checks again on submit.
document.addEventListener('DOMContentLoaded', function () {
  var field = document.querySelector('input[data-validator]');
  var hint = document.getElementById('hint');
  if (!field || !hint || !window.fetch) return;
  var csrf = field.form.querySelector('input[name=csrf]').value;
  var timer = null, asked = 0;
  field.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var mine = ++asked;
      if (!field.value) { hint.textContent = ''; field.removeAttribute('aria-invalid'); return; }
      var body = new URLSearchParams({csrf: csrf, validator: field.dataset.validator, value: field.value});
      fetch('/validate', {method: 'POST', body: body, credentials: 'same-origin'})
        .then(function (r) { return r.json(); })
        .then(function (v) {
          if (mine !== asked) return;
          hint.textContent = v.message;
          hint.className = v.ok ? 'hint ok' : 'hint bad';
          if (v.ok) field.removeAttribute('aria-invalid'); else field.setAttribute('aria-invalid', 'true');
        })
        .catch(function () {});
    }, 250);
  });
});
)js";

const WebAsset kAssets[] = {
    {"app.css", "text/css; charset=utf-8", kCss},
    {"app.js", "text/javascript; charset=utf-8", kJs},
};

}  // namespace

const WebAsset* find_asset(std::string_view name) {
  for (const auto& a : kAssets) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

}  // namespace triage::cli

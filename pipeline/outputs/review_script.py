"""The review page's one script, inline and allowed by its hash (the page's CSP runs no other).

What it does, and why:

- Clicking a row selects it (its number is a link to the row, to send to a colleague); the
  checkbox hides the rows without flags, and a source table without any.
- The English and Chinese cells are editable as plain text and every row can be approved; the
  work is kept in the browser's localStorage under the page's folder and the article's sha256
  (so it survives a reload, and two articles never mix: every file:// page shares one origin,
  and two inputs with the same bytes have the same sha256 but not the same folder) and a digest
  of the machine translations (an approval is of the text it was given: translated again,
  differently, the rows start unreviewed).
- "Approve the N rows shown" approves the rows the filter shows, and no others; the counter
  says how many of all rows are approved (and edited) after every change.
- "Use this" on a memory suggestion puts its English and Chinese into the row's cells, which
  makes the row edited, as typing them would.
- "Export corrections" saves ``corrections-<article>.tsv``: aligned.tsv's columns plus
  ``status`` and the article's name and sha256 on every row, for ``memory add`` (which names the
  article in each entry's origin, whatever the browser called the file).
- "Sort: least sure first" sorts the rows by the model's own score; a source table's rows leave the
  table for the sorted list (each in a row of its own) and go back when sorted back.

Text is only ever read with textContent and written back with textContent, so markup typed or
pasted into a cell, or held by a suggestion, stays text.
"""

REVIEW_SCRIPT = """
var rows = Array.prototype.slice.call(document.querySelectorAll(".row"));
var data = JSON.parse(document.getElementById("rows-data").textContent);
var exported = JSON.parse(document.getElementById("export-data").textContent);
var breaks = new RegExp(exported.breaks, "g");
var folder = location.pathname.replace(/[^/]*$/, "");
var key = "warta-review:" + folder + ":" + document.body.dataset.sha256 + ":" + document.body.dataset.translation;
var saved = {};
try { saved = JSON.parse(localStorage.getItem(key) || "{}") || {}; } catch (error) { saved = {}; }
function save() { try { localStorage.setItem(key, JSON.stringify(saved)); } catch (error) { /* private mode: kept until the page closes */ } }
function work(number) { saved[number] = saved[number] || {}; return saved[number]; }
function status(number) {
  var row = data[number - 1], done = saved[number] || {};
  if ((done.en !== undefined && done.en !== row.en) || (done.zh !== undefined && done.zh !== row.zh)) { return "edited"; }
  return done.approved ? "approved" : "";
}
function show(number) {
  var row = document.getElementById("row-" + number), state = status(number), approved = !!(saved[number] || {}).approved;
  row.classList.toggle("edited", state === "edited");
  row.classList.toggle("approved", approved);
  row.querySelector("input.approve").checked = approved;
}
function shown() { return rows.filter(function (row) { return row.getClientRects().length > 0; }); }
function count() {
  var approved = 0, edited = 0;
  data.forEach(function (row, index) {
    if ((saved[index + 1] || {}).approved) { approved += 1; }
    if (status(index + 1) === "edited") { edited += 1; }
  });
  document.getElementById("approved-count").textContent =
    approved + " of " + data.length + " approved" + (edited ? ", " + edited + " edited" : "");
}
function label() {  // after the filter changes: how many rows the button approves
  var visible = shown().length;
  document.getElementById("approve-shown").textContent = "Approve the " + visible + (visible === 1 ? " row" : " rows") + " shown";
}
document.getElementById("only-flagged").addEventListener("change", function (event) {
  document.body.classList.toggle("only-flagged", event.target.checked);
  label();
});
document.querySelectorAll(".edit").forEach(function (cell) {
  // an older browser (Firefox ESR before 136) without plaintext-only: editable as rich text,
  // still read and written with textContent only
  if (cell.contentEditable !== "plaintext-only") { cell.contentEditable = "true"; }
});
rows.forEach(function (row) {
  var number = Number(row.dataset.row);
  row.addEventListener("click", function () {
    document.querySelectorAll(".row.selected").forEach(function (other) { other.classList.remove("selected"); });
    row.classList.add("selected");
  });
  row.querySelectorAll(".edit").forEach(function (cell) {
    var language = cell.dataset.lang, done = saved[number] || {};
    if (typeof done[language] === "string") { cell.textContent = done[language]; }
    cell.addEventListener("input", function () {
      work(number)[language] = cell.textContent;
      save(); show(number); count();
    });
  });
  row.querySelector("input.approve").addEventListener("change", function (event) {
    work(number).approved = event.target.checked;
    save(); show(number); count();
  });
  row.querySelectorAll("button.take").forEach(function (button) {
    button.addEventListener("click", function () {
      button.closest(".suggestion").querySelectorAll(".suggested").forEach(function (suggested) {
        var cell = row.querySelector(".edit[data-lang='" + suggested.dataset.lang + "']");
        if (cell) { cell.textContent = suggested.textContent; work(number)[suggested.dataset.lang] = suggested.textContent; }
      });
      save(); show(number); count();
    });
  });
  show(number);
});
document.getElementById("approve-shown").addEventListener("click", function () {
  shown().forEach(function (row) { work(Number(row.dataset.row)).approved = true; show(Number(row.dataset.row)); });
  save(); count();
});
count(); label();
function cell(text) { return String(text).replace(breaks, " "); }
document.getElementById("export").addEventListener("click", function () {
  var columns = exported.columns;
  var lines = [columns.join("\\t")];
  data.forEach(function (row, index) {
    var done = saved[index + 1] || {};
    var values = Object.assign({}, row, {status: status(index + 1), article: exported.article, sha256: exported.sha256});
    if (typeof done.en === "string") { values.en = done.en; }
    if (typeof done.zh === "string") { values.zh = done.zh; }
    lines.push(columns.map(function (name) { return cell(values[name]); }).join("\\t"));
  });
  var link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([lines.join("\\n") + "\\n"], {type: "text/tab-separated-values;charset=utf-8"}));
  link.download = exported.filename;
  document.body.appendChild(link); link.click(); link.remove();
});
var sorted = false;
document.getElementById("sort-score").addEventListener("click", function (event) {
  sorted = !sorted;
  event.target.textContent = sorted ? "Sort: document order" : "Sort: least sure first";
  var target = document.getElementById("sorted"), width = document.querySelectorAll("thead th").length;
  var ordered = rows.slice();
  if (sorted) {
    ordered.sort(function (a, b) {
      var x = a.dataset.score === "" ? Infinity : Number(a.dataset.score), y = b.dataset.score === "" ? Infinity : Number(b.dataset.score);
      return x - y || Number(a.dataset.row) - Number(b.dataset.row);
    });
    ordered.forEach(function (row) {
      if (row.tagName === "TR") { target.appendChild(row); return; }
      var holder = document.createElement("tr"), place = document.createElement("td");
      holder.className = "holder" + (row.classList.contains("flagged") ? " flagged" : "");
      place.colSpan = width;
      place.appendChild(row); holder.appendChild(place); target.appendChild(holder);
    });
  } else {
    ordered.forEach(function (row) { document.getElementById("block-" + row.dataset.block).appendChild(row); });
    target.querySelectorAll("tr.holder").forEach(function (holder) { holder.remove(); });
  }
  document.body.classList.toggle("sorted", sorted);
  label();
});
""".strip()

// warta serve: the page's one script (the CSP runs no other, and nothing inline).
//
// Home (body[data-page=home]): sends each chosen file, or the pasted text, as a job through
// POST /api/jobs (with the server's own profile: it runs one) and shows the queue, polling
// GET /api/jobs while a job waits or runs (reads have their own rate-limit bucket: the polling
// never holds up a change).
// Review (body[data-page=job]): fetches the job and its rows and saves every edit, approval and
// comment to the server as it is made (docs/serve.md, "HTTP API").
//
// Article text is only ever put into the page with textContent and read back with textContent,
// so markup in a release, a cell or a comment stays text.
"use strict";

(function () {
  const page = document.body.dataset.page;
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // --- small helpers ------------------------------------------------------------------------

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (value === undefined || value === null || value === false) { return; }
      if (name === "text") { node.textContent = value; } else if (name === "className") { node.className = value; } else { node.setAttribute(name, value === true ? "" : value); }
    });
    (children || []).forEach((child) => { if (child !== null && child !== undefined) { node.append(child); } });
    return node;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function when(value) {
    // the server's times: ISO text or seconds since 1970; shown as "14:05" today, else "3 Jun 14:05"
    if (value === undefined || value === null || value === "") { return ""; }
    const date = typeof value === "number" ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
    if (isNaN(date.getTime())) { return String(value); }
    const time = String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0");
    const today = new Date();
    if (date.toDateString() === today.toDateString()) { return time; }
    return date.getDate() + " " + MONTHS[date.getMonth()] + (date.getFullYear() === today.getFullYear() ? "" : " " + date.getFullYear()) + " " + time;
  }

  function plural(count, one, many) { return count + " " + (count === 1 ? one : many); }

  let slowDown = null;  // called with the seconds the server asks to wait (429), to say so on the page

  // One request to the JSON API: the session's cookie goes along, the CSRF token on every change;
  // a 429 is waited out as Retry-After says; 401 goes to the login page.
  async function api(method, url, body) {
    for (let attempt = 0; ; attempt += 1) {
      const options = {method: method, credentials: "same-origin", headers: {"Accept": "application/json"}};
      if (method !== "GET") { options.headers["X-CSRF-Token"] = csrf; }
      if (body instanceof FormData) { options.body = body; } else if (body !== undefined) {
        options.headers["Content-Type"] = "application/json";
        options.body = JSON.stringify(body);
      }
      let response;
      try {
        response = await fetch(url, options);
      } catch (error) {
        return {status: 0, data: {error: "warta's server cannot be reached: check the network, or ask whether warta is running."}};
      }
      if (response.status === 401) {
        location.assign("/login?next=" + encodeURIComponent(location.pathname));
        return {status: 401, data: {error: "Your session has ended: log in again."}};
      }
      if (response.status === 429 && attempt < 8) {
        const seconds = Math.min(60, Math.max(1, Number(response.headers.get("Retry-After")) || 5));
        if (slowDown) { slowDown(seconds); }
        await sleep(seconds * 1000);
        continue;
      }
      let data = {};
      if ((response.headers.get("Content-Type") || "").includes("json")) {
        try { data = await response.json(); } catch (error) { data = {}; }
      }
      return {status: response.status, data: data};
    }
  }

  const STATUS_WORDS = {
    400: "warta could not use this", 403: "your account may not do this", 404: "it is not there (deleted, or not yours to see)",
    409: "someone else changed it first", 413: "it is too large for this server", 429: "too many requests: wait a minute",
  };

  function problem(result) {
    // the server's one line when it gave one, else the status in words
    if (result.data && result.data.error) { return String(result.data.error); }
    if (result.status >= 500) { return "the server failed (" + result.status + "); try again, or tell the person who runs warta"; }
    return STATUS_WORDS[result.status] || "the server answered " + result.status;
  }

  function list(data, ...names) {
    if (Array.isArray(data)) { return data; }
    for (const name of names) { if (data && Array.isArray(data[name])) { return data[name]; } }
    return [];
  }

  function targetsOf(job) {
    const targets = job.targets;
    if (Array.isArray(targets)) { return targets; }
    return String(targets || "en,zh").split(",").map((target) => target.trim()).filter(Boolean);
  }

  function jobName(job) { return job.title || job.input_name || "Pasted text"; }

  // --- home: submit and the queue ------------------------------------------------------------

  function home() {
    const form = document.getElementById("submit-form");
    const message = document.getElementById("submit-message");
    const rows = document.getElementById("job-rows");
    const note = document.getElementById("queue-note");
    let timer = null;

    slowDown = (seconds) => { note.textContent = "(the server asked to slow down: updating again in " + seconds + " s)"; };

    function say(text, kind) { message.textContent = text; message.className = "message " + (kind || ""); }

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const files = Array.from(document.getElementById("files").files);
      const text = document.getElementById("text").value;
      const targets = Array.from(form.querySelectorAll('input[name="targets"]:checked')).map((box) => box.value);
      const glossary = document.getElementById("glossary").files[0];
      if (!files.length && !text.trim()) { say("Choose a file to upload, or paste the text of a release, first.", "error"); return; }
      if (!targets.length) { say("Tick at least one language to translate into.", "error"); return; }
      const sends = files.map((file) => ({name: file.name, field: ["file", file, file.name]}));
      if (text.trim()) { sends.push({name: "the pasted text", field: ["text", text]}); }
      const button = document.getElementById("submit");
      button.disabled = true;
      const sent = [], failed = [];
      for (const [index, send] of sends.entries()) {
        say("Sending " + (index + 1) + " of " + sends.length + ": " + send.name + "…", "busy");
        const body = new FormData();
        body.append(...send.field);
        body.append("targets", targets.join(","));
        if (glossary) { body.append("glossary", glossary, glossary.name); }
        const result = await api("POST", "/api/jobs", body);
        if (result.status === 202 || result.status === 201 || result.status === 200) { sent.push(send.name); continue; }
        const why = problem(result);
        failed.push(why.startsWith(send.name + ":") ? why : send.name + ": " + why);  // the server may name the file itself
      }
      button.disabled = false;
      if (sent.length) {
        form.reset();
        form.querySelectorAll('input[name="targets"]').forEach((box) => { box.checked = targets.includes(box.value); });
      }
      const parts = [];
      if (sent.length) { parts.push(plural(sent.length, "release", "releases") + " sent: " + sent.join(", ") + ". They are translated one after another; follow them below."); }
      if (failed.length) { parts.push("Refused: " + failed.join("; ") + "."); }
      say(parts.join(" "), failed.length ? "error" : "ok");
      refresh();
    });

    const STATUS = {queued: "Waiting", running: "Translating", done: "Done", failed: "Failed"};

    function progress(job) {
      const done = Number(job.sentences_done) || 0, total = Number(job.sentences_total) || 0;
      if (job.status === "failed") { return el("span", {className: "error", text: job.error || "warta could not translate this release."}); }
      if (job.status === "queued") { return el("span", {className: "meta", text: "waiting for the releases before it"}); }
      if (!total) { return el("span", {className: "meta", text: "reading the release…"}); }
      const words = el("span", {text: done + " of " + total + " sentences"});
      const bar = el("progress", {max: String(total), value: String(done), "aria-label": "sentences translated"});
      const parts = [bar, words];
      if (job.status === "done" && job.total) { parts.push(el("span", {className: "meta approved", text: job.approved + " of " + job.total + " approved"})); }
      return el("span", {className: "progress"}, parts);
    }

    function links(job) {
      if (job.status !== "done") { return el("span", {className: "meta", text: job.status === "failed" ? "" : "when done"}); }
      return el("span", {className: "links"}, [
        el("a", {className: "button primary", href: "/jobs/" + encodeURIComponent(job.id), text: "Review"}),
        " ",
        el("a", {href: "/api/jobs/" + encodeURIComponent(job.id) + "/outputs.zip", download: "", text: "Download all (.zip)"}),
      ]);
    }

    function show(jobs) {
      rows.replaceChildren(...(jobs.length ? jobs.map((job) => el("tr", {className: "job " + job.status, "data-job": job.id}, [
        el("td", {className: "name"}, [el("span", {text: jobName(job)}), job.title && job.input_name && job.title !== job.input_name ? el("div", {className: "meta", text: job.input_name}) : null,
          el("div", {className: "meta", text: "into " + targetsOf(job).map((target) => target === "zh" ? "Chinese" : target === "en" ? "English" : target).join(" and ") + (job.profile ? " · " + job.profile + " profile" : "")})]),
        el("td", {className: "status"}, [el("span", {className: "badge " + job.status, text: STATUS[job.status] || job.status})]),
        el("td", {}, [progress(job)]),
        el("td", {className: "when"}, [el("span", {text: when(job.created_at)}), job.owner ? el("div", {className: "meta", text: "by " + job.owner}) : null]),
        el("td", {}, [links(job)]),
      ])) : [el("tr", {className: "empty"}, [el("td", {colspan: "5", text: "No releases yet: upload one above."})])]));
    }

    async function refresh() {
      clearTimeout(timer);
      const result = await api("GET", "/api/jobs");
      let busy = false;
      if (result.status === 200) {
        const jobs = list(result.data, "jobs");
        show(jobs);
        busy = jobs.some((job) => job.status === "queued" || job.status === "running");
        note.textContent = busy ? "(updating as they are translated)" : "";
      } else if (result.status !== 401) {
        note.textContent = "(could not update the list: " + problem(result) + ")";
      }
      // quickly while something is translating, slowly otherwise (a colleague may submit too)
      timer = setTimeout(refresh, busy ? 2000 : document.hidden ? 30000 : 10000);
    }
    document.addEventListener("visibilitychange", () => { if (!document.hidden) { refresh(); } });
    refresh();
  }

  // --- review: the rows side by side, saved as they are made ----------------------------------

  function review() {
    const jobId = document.body.dataset.job;
    const base = "/api/jobs/" + encodeURIComponent(jobId);
    const FLAGS = JSON.parse(document.getElementById("flag-words").textContent);
    const LABELS = JSON.parse(document.getElementById("labels").textContent);
    const LANG = {id: "id", en: "en", zh: "zh-Hans"};
    const STATE_WORDS = {machine: "machine translation", edited: "edited", approved: "approved"};
    const message = document.getElementById("job-message");
    const saving = document.getElementById("saving");
    let targets = ["en", "zh"];
    let segments = [];          // the rows as the server last sent them, by index
    const byRow = new Map();    // row number -> {segment, element}
    let pending = 0;
    let approving = false;      // "approve all visible rows" under way
    const APPROVE_AT_ONCE = 2000;  // (row, target) pairs a bulk approval sends in one request (the server takes 5,000)

    slowDown = (seconds) => { saving.textContent = "The server asked to slow down; going on in " + seconds + " s…"; };

    function say(text, kind) { message.textContent = text; message.className = "message " + (kind || ""); }

    function saved(state, text) {
      pending += state === "start" ? 1 : state === "end" ? -1 : 0;
      if (text) { saving.textContent = text; saving.className = "saving error"; return; }
      saving.className = "saving";
      saving.textContent = pending ? "Saving…" : "All changes saved";
    }

    // A segment's fields, whichever spelling the server uses.
    function rowNumber(segment) { return Number(segment.row); }
    function sourceOf(segment) { return segment.source !== undefined ? segment.source : segment.id; }
    function flagsOf(segment) {
      const flags = segment.flags;
      if (Array.isArray(flags)) { return flags; }
      return String(flags || "").split(",").map((flag) => flag.trim()).filter(Boolean);
    }
    function stateOf(segment, target) {
      // the server's shape: state {en: "edited"}, changed {en: {by, at}} (store.Segment.as_json)
      const changed = (segment.changed || {})[target] || {};
      return {state: (segment.state || {})[target] || "machine", by: changed.by || "", at: changed.at || ""};
    }
    function commentsOf(segment) { return Array.isArray(segment.comments) ? segment.comments : []; }
    function author(item) { return item.by || item.user || item.author || ""; }
    function timeOf(item) { return item.at || item.created_at || ""; }
    function cellOf(segment) {
      // a table cell's place in its source table: [table, row, column] (absent for other rows)
      const cell = segment.cell;
      if (Array.isArray(cell) && cell.length === 3) { return cell.map(Number); }
      if (cell && typeof cell === "object") { return [Number(cell.table), Number(cell.row), Number(cell.column)]; }
      return null;
    }

    // --- building a row ---

    function flagMark(flag) {
      const words = FLAGS[flag] || {name: flag, meaning: flag};
      return el("span", {className: "flag", "data-flag": flag, title: words.meaning, text: words.name});
    }

    function stateLine(segment, target) {
      const state = stateOf(segment, target);
      const words = STATE_WORDS[state.state] || state.state;
      const who = state.state !== "machine" && state.by ? " by " + state.by : "";
      const at = state.state !== "machine" && state.at ? ", " + when(state.at) : "";
      return el("span", {className: "state " + state.state, text: words + who + at});
    }

    function commentItem(comment) {
      return el("li", {}, [el("span", {className: "who", text: (author(comment) || "someone") + (timeOf(comment) ? " · " + when(timeOf(comment)) : "") + ": "}), el("span", {className: "comment-text", text: comment.text})]);
    }

    function buildRow(segment) {
      const number = rowNumber(segment);
      const flags = flagsOf(segment);
      const row = el("div", {className: "row " + (segment.kind || "paragraph") + (flags.length ? " flagged" : ""), id: "row-" + number, "data-row": String(number)});
      row.append(el("div", {className: "num"}, [el("a", {href: "#row-" + number, title: "link to this row", text: String(number)})]));

      // the source, its comments and the comment box
      const source = el("div", {className: "text source", lang: LANG.id, "data-short": "ID"});
      // a table cell the server gives no place for is said to be one; a list item shows its number
      const tag = segment.kind === "table_cell" && !cellOf(segment) ? el("span", {className: "kind-tag", text: "table cell"}) : null;
      const marker = segment.marker && Number(segment.sentence) === 1 ? el("span", {className: "marker", text: segment.marker}) : null;
      source.append(el("div", {className: "said"}, [tag, marker, sourceOf(segment)]));
      const comments = el("ul", {className: "comments"});
      commentsOf(segment).forEach((comment) => comments.append(commentItem(comment)));
      const toggle = el("button", {type: "button", className: "small comment-open", text: "Comment"});
      const box = el("textarea", {className: "comment-box", rows: "2", placeholder: "A note for the other reviewers", "aria-label": "comment on row " + number});
      const send = el("button", {type: "button", className: "small primary comment-send", text: "Add comment"});
      const cancel = el("button", {type: "button", className: "small", text: "Cancel"});
      const form = el("div", {className: "comment-form", hidden: true}, [box, el("div", {}, [send, " ", cancel])]);
      toggle.addEventListener("click", () => { form.hidden = false; toggle.hidden = true; box.focus(); });
      cancel.addEventListener("click", () => { form.hidden = true; toggle.hidden = false; });
      send.addEventListener("click", () => addComment(number, box, comments, form, toggle));
      source.append(comments, toggle, form);
      row.append(source);

      // one editable cell per target, with its state and its Approve button
      targets.forEach((target) => {
        const edit = el("div", {className: "edit", contenteditable: "plaintext-only", spellcheck: "false", "data-lang": target, role: "textbox", "aria-label": LABELS[target] + " of row " + number, text: segment[target] || ""});
        if (edit.contentEditable !== "plaintext-only") { edit.contentEditable = "true"; }
        const approve = el("button", {type: "button", className: "small approve", "data-lang": target, text: "Approve"});
        const cell = el("div", {className: "text target", lang: LANG[target] || target, "data-lang": target, "data-short": target.toUpperCase()}, [
          edit, el("div", {className: "state-line"}, [stateLine(segment, target), approve]), el("div", {className: "conflict", hidden: true}),
        ]);
        edit.addEventListener("keydown", (event) => {
          if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); edit.blur(); }
          if (event.key === "Escape") { edit.textContent = current(number)[target] || ""; edit.blur(); }
        });
        edit.addEventListener("blur", () => {
          if (edit.textContent !== (current(number)[target] || "")) { change(number, target, edit.textContent, "edited"); }
        });
        approve.addEventListener("click", () => change(number, target, edit.textContent, "approved"));
        row.append(cell);
      });

      // flags, the memory's suggestion and the history
      const notes = el("div", {className: "notes"});
      flags.forEach((flag) => notes.append(flagMark(flag)));
      const suggestion = segment.suggestion;
      if (suggestion && targets.some((target) => suggestion[target])) {
        const similar = suggestion.similarity !== undefined ? " (" + Math.round(Number(suggestion.similarity)) + "% alike)" : "";
        const take = el("button", {type: "button", className: "small take", text: "Use this"});
        const box = el("div", {className: "suggestion", title: "a reviewed translation of a similar sentence" + (suggestion.origin ? ", from " + suggestion.origin : "")}, [
          el("div", {className: "meta", text: "The memory has a similar sentence" + similar + ":"}),
          suggestion.numbers_match === false ? el("div", {className: "warn", text: "Its numbers differ: correct them after taking it."}) : null,
          el("div", {className: "was", lang: "id", "data-short": "ID", text: suggestion.source || ""}),
          ...targets.filter((target) => suggestion[target]).map((target) => el("div", {className: "suggested", lang: LANG[target], "data-lang": target, "data-short": target.toUpperCase(), text: suggestion[target]})),
          take,
        ]);
        take.addEventListener("click", async () => {
          take.disabled = true;
          await takeSuggestion(number, suggestion);
          take.textContent = "Taken";
          box.append(el("div", {className: "taken", text: "Now in the cells: check the words where this sentence differs from the remembered one."}));
        });
        notes.append(box);
      }
      const historyButton = el("button", {type: "button", className: "small history-toggle", "aria-expanded": "false", text: "History"});
      const history = el("div", {className: "history", hidden: true});
      historyButton.addEventListener("click", () => {
        const open = history.hidden;
        history.hidden = !open;
        historyButton.setAttribute("aria-expanded", String(open));
        historyButton.textContent = open ? "Hide history" : "History";
        if (open) { loadHistory(number); }
      });
      notes.append(el("div", {}, [historyButton]));
      row.append(notes, history);
      return row;
    }

    function current(number) { return byRow.get(number).segment; }

    // Show a segment the server sent: texts (unless the reviewer is typing in that cell), states, comments.
    function update(segment) {
      const number = rowNumber(segment);
      const entry = byRow.get(number);
      entry.segment = segment;
      const row = entry.element;
      let approved = true;
      targets.forEach((target) => {
        const cell = row.querySelector('.target[data-lang="' + target + '"]');
        const edit = cell.querySelector(".edit");
        if (document.activeElement !== edit) { edit.textContent = segment[target] || ""; }
        const state = stateOf(segment, target);
        cell.classList.remove("machine", "edited", "approved");
        cell.classList.add(state.state);
        cell.querySelector(".state").replaceWith(stateLine(segment, target));
        const button = cell.querySelector("button.approve");
        button.hidden = state.state === "approved";
        if (state.state !== "approved") { approved = false; }
      });
      row.classList.toggle("approved", approved);
      const comments = row.querySelector(".comments");
      comments.replaceChildren(...commentsOf(segment).map(commentItem));
      const history = row.querySelector(".history");
      if (!history.hidden) { loadHistory(number); }
    }

    function count() {
      const rows = Array.from(byRow.values());
      const approved = rows.filter((entry) => targets.every((target) => stateOf(entry.segment, target).state === "approved")).length;
      const edited = rows.filter((entry) => targets.some((target) => stateOf(entry.segment, target).state === "edited")).length;
      document.getElementById("approved-count").textContent = approved + " of " + rows.length + " approved" + (edited ? " · " + edited + " edited" : "");
      const visible = visibleRows();
      const open = visible.filter((entry) => targets.some((target) => stateOf(entry.segment, target).state !== "approved")).length;
      const button = document.getElementById("approve-shown");
      if (approving) { return; }
      button.disabled = open === 0;
      button.textContent = open ? "Approve all " + plural(visible.length, "visible row", "visible rows") : "Every visible row is approved";
    }

    // --- saving ---

    // One save at a time per cell, each made on the text the one before it left: leaving a cell
    // by clicking its Approve button saves the edit, then approves it, never the two at once.
    const chains = new Map();
    function change(number, target, text, state) {
      const key = number + ":" + target;
      const next = (chains.get(key) || Promise.resolve()).then(() => save(number, target, text, state));
      chains.set(key, next.catch(() => false));
      return next;
    }

    async function save(number, target, text, state) {
      const segment = current(number);
      saved("start");
      const result = await api("PATCH", base + "/segments/" + number, {target: target, text: text, base: segment[target] || "", state: state});
      saved("end");
      if (result.status === 200) {
        update(result.data.segment || result.data);
        count();
        return true;
      }
      if (result.status === 409) {
        const theirs = result.data.segment || result.data.current || result.data;
        update(theirs);
        conflict(number, target, text, state, theirs);
        count();
        return false;
      }
      saved("", "Not saved: row " + number + " " + LABELS[target] + ": " + problem(result) + ". Your text is still in the cell.");
      return false;
    }

    // Someone else changed the row: show both texts, let the reviewer choose, lose neither.
    function conflict(number, target, mine, state, theirs) {
      const row = byRow.get(number).element;
      const cell = row.querySelector('.target[data-lang="' + target + '"]');
      const box = cell.querySelector(".conflict");
      const other = stateOf(theirs, target);
      const keep = el("button", {type: "button", className: "small primary keep-mine", text: "Keep mine"});
      const take = el("button", {type: "button", className: "small keep-theirs", text: "Use theirs"});
      box.replaceChildren(
        el("p", {className: "what", text: (other.by || "Another reviewer") + " changed this " + LABELS[target] + (other.at ? " at " + when(other.at) : "") + " while you were working on it. Choose which text to keep; the other stays in the history."}),
        el("div", {className: "version theirs"}, [el("span", {className: "label", text: "Their text (" + (STATE_WORDS[other.state] || other.state) + ")"}), el("div", {className: "version-text", lang: LANG[target], text: theirs[target] || ""}), take]),
        el("div", {className: "version mine"}, [el("span", {className: "label", text: "Your text (not saved yet)"}), el("div", {className: "version-text", lang: LANG[target], text: mine}), keep]),
      );
      box.hidden = false;
      cell.classList.add("in-conflict");
      cell.querySelector(".edit").textContent = theirs[target] || "";
      keep.addEventListener("click", async () => {
        keep.disabled = true;
        if (await change(number, target, mine, state === "approved" ? "approved" : "edited")) { settle(cell, box); } else { keep.disabled = false; }
      });
      take.addEventListener("click", () => {
        // theirs is saved already; keep the reviewer's own text on show until they close it
        cell.querySelector(".edit").textContent = current(number)[target] || "";
        box.replaceChildren(
          el("p", {className: "what", text: "Kept their text. Yours, not saved, in case you want to copy from it:"}),
          el("div", {className: "version mine"}, [el("div", {className: "version-text", lang: LANG[target], text: mine}), el("button", {type: "button", className: "small close", text: "Close"})]),
        );
        box.querySelector("button.close").addEventListener("click", () => settle(cell, box));
      });
    }

    function settle(cell, box) { box.hidden = true; box.replaceChildren(); cell.classList.remove("in-conflict"); }

    async function takeSuggestion(number, suggestion) {
      const row = byRow.get(number).element;
      for (const target of targets) {
        if (!suggestion[target]) { continue; }
        row.querySelector('.edit[data-lang="' + target + '"]').textContent = suggestion[target];
        await change(number, target, suggestion[target], "edited");
      }
    }

    async function addComment(number, box, comments, form, toggle) {
      const text = box.value.trim();
      if (!text) { box.focus(); return; }
      saved("start");
      const result = await api("POST", base + "/segments/" + number + "/comments", {text: text});
      saved("end");
      if (result.status === 200 || result.status === 201) {
        const data = result.data;
        // the API answers with the comment; the row's list is kept with it for the next update
        const comment = data.comment || data;
        current(number).comments = commentsOf(current(number)).concat([comment]);
        comments.append(commentItem(comment));
        box.value = "";
        form.hidden = true; toggle.hidden = false;
      } else {
        saved("", "Comment not saved: " + problem(result) + ". Your text is still in the box.");
      }
    }

    async function loadHistory(number) {
      const history = byRow.get(number).element.querySelector(".history");
      const result = await api("GET", base + "/segments/" + number + "/history");
      if (result.status !== 200) { history.replaceChildren(el("p", {className: "error", text: "History not loaded: " + problem(result)})); return; }
      const entries = list(result.data, "history", "entries");
      if (!entries.length) { history.replaceChildren(el("p", {className: "meta", text: "No changes yet: the machine translation as warta made it."})); return; }
      history.replaceChildren(
        el("h3", {text: "History of row " + number + ", oldest first"}),
        el("ol", {}, entries.map((entry) => {
          const target = entry.target || "";
          const from = STATE_WORDS[entry.old_state] || entry.old_state || "";
          const to = STATE_WORDS[entry.new_state] || entry.new_state || "";
          const same = (entry.old_text || "") === (entry.new_text || "");
          return el("li", {}, [
            el("div", {className: "what", text: when(timeOf(entry)) + " · " + (author(entry) || "someone") + " · " + (LABELS[target] || target) + ": " + (from !== to ? from + " → " + to : "changed the text")}),
            el("div", {className: "change" + (same ? " same" : "")}, same
              ? [el("div", {className: "new", lang: LANG[target], "data-short": "text", text: entry.new_text || ""})]
              : [el("div", {className: "old", lang: LANG[target], "data-short": "was", text: entry.old_text || ""}),
                el("div", {className: "new", lang: LANG[target], "data-short": "now", text: entry.new_text || ""})]),
          ]);
        })),
      );
    }

    // --- filters and "approve all visible rows" ---

    function visibleRows() { return Array.from(byRow.values()).filter((entry) => entry.element.getClientRects().length > 0); }

    function filter() {
      document.body.classList.toggle("only-flagged", document.getElementById("only-flagged").checked);
      document.body.classList.toggle("only-open", document.getElementById("only-open").checked);
      count();
    }

    // One request for all of them (POST .../segments/approve), each with the text the reviewer
    // sees as its base: a row another reviewer changed meanwhile comes back as a conflict, shown
    // as an edit's conflict is, and is not approved. A cell with unsaved text is saved on its own.
    async function approveVisible() {
      const button = document.getElementById("approve-shown");
      approving = true;
      button.disabled = true;
      await Promise.all(Array.from(chains.values()));  // edits under way (the cell just left) first
      const bulk = [], single = [];
      visibleRows().forEach((entry) => targets.forEach((target) => {
        const cell = entry.element.querySelector('.target[data-lang="' + target + '"]');
        if (stateOf(entry.segment, target).state === "approved" || cell.classList.contains("in-conflict")) { return; }
        const shown = cell.querySelector(".edit").textContent;
        (shown === (entry.segment[target] || "") ? bulk : single).push({row: rowNumber(entry.segment), target: target, base: shown});
      }));
      const total = bulk.length + single.length;
      let done = 0;
      for (let start = 0; start < bulk.length; start += APPROVE_AT_ONCE) {
        const items = bulk.slice(start, start + APPROVE_AT_ONCE);
        button.textContent = "Approving " + plural(total, "translation", "translations") + "…";
        saved("start");
        const result = await api("POST", base + "/segments/approve", {items: items});
        saved("end");
        if (result.status !== 200) { saved("", "Not approved: " + problem(result) + "."); break; }
        list(result.data, "segments").forEach((segment) => update(segment));
        done += list(result.data, "approved").length + list(result.data, "unchanged").length;
        list(result.data, "conflicts").forEach((pair) => {
          const mine = items.find((item) => item.row === pair.row && item.target === pair.target);
          conflict(pair.row, pair.target, mine ? mine.base : "", "approved", current(pair.row));
        });
      }
      for (const item of single) {
        button.textContent = "Saving row " + item.row + "…";
        if (await change(item.row, item.target, item.base, "approved")) { done += 1; }
      }
      approving = false;
      filter();
      if (done < total) { saved("", "Approved " + done + " of " + total + " translations; the rows marked in red need you."); }
    }

    // --- the page ---

    function showHead(job) {
      document.title = jobName(job) + " · warta";
      document.getElementById("job-title").textContent = jobName(job);
      const parts = [];
      if (job.input_name && job.input_name !== jobName(job)) { parts.push(job.input_name); }
      parts.push("into " + targetsOf(job).map((target) => LABELS[target] || target).join(" and "));
      if (job.profile) { parts.push(job.profile + " profile"); }
      if (job.owner) { parts.push("submitted by " + job.owner + (job.created_at ? " at " + when(job.created_at) : "")); }
      document.getElementById("job-meta").textContent = parts.join(" · ");
    }

    // The files a reviewer takes away first, by language; the rest (for translators and tools) folded away.
    const MAIN_FILES = [["English", [["en.docx", "Word"], ["en.txt", "text"]]], ["Chinese", [["zh.docx", "Word"], ["zh.txt", "text"]]],
      ["Side by side", [["bilingual.docx", "Word"]]]];
    const FILE_WORDS = {
      "review.html": "review page to open offline", "aligned.tsv": "rows as a table (TSV)", "aligned.xlsx": "rows as a spreadsheet",
      "aligned.jsonl": "rows as JSON lines", "article.tmx": "translation memory (TMX)", "summary.json": "summary (JSON)",
      "report.json": "how it was made (JSON)",
    };

    function showDownloads(job) {
      const files = list(job.outputs, "files").map((file) => typeof file === "string" ? file : file.name);
      if (!files.length) { return; }
      const link = (file, text) => el("a", {href: base + "/outputs/" + encodeURIComponent(file), download: "", title: file, text: text});
      const shown = new Set();
      const main = MAIN_FILES.map(([label, choices]) => {
        const present = choices.filter(([file]) => files.includes(file));
        present.forEach(([file]) => shown.add(file));
        if (!present.length) { return null; }
        const links = [];
        present.forEach(([file, text], index) => { if (index) { links.push(" · "); } links.push(link(file, text)); });
        return el("li", {}, [el("strong", {text: label + ": "}), ...links]);
      }).filter(Boolean);
      const more = files.filter((file) => !shown.has(file)).map((file) => el("li", {}, [link(file, file), FILE_WORDS[file] ? el("span", {className: "meta", text: " " + FILE_WORDS[file]}) : null]));
      if (job.outputs_with_review === false) {
        document.getElementById("downloads-note").textContent = "The files as warta translated them, before this review (an older warta translated this release).";
      }
      document.getElementById("download-list").replaceChildren(
        el("li", {className: "zip"}, [el("a", {className: "button", href: base + "/outputs.zip", download: "", text: "All as zip"})]), ...main);
      if (more.length) {
        document.getElementById("downloads").append(el("details", {className: "more-files"}, [el("summary", {text: "More files (for translators and tools)"}), el("ul", {}, more)]));
      }
      document.getElementById("downloads").hidden = false;
    }

    function showLegend() {
      const counts = new Map();
      segments.forEach((segment) => flagsOf(segment).forEach((flag) => counts.set(flag, (counts.get(flag) || 0) + 1)));
      const flags = Array.from(counts.keys()).sort((a, b) => Number((FLAGS[a] || {}).order || 99) - Number((FLAGS[b] || {}).order || 99) || a.localeCompare(b));
      document.getElementById("flagged-count").textContent = String(segments.filter((segment) => flagsOf(segment).length).length);
      if (!flags.length) { return; }
      document.getElementById("legend-list").replaceChildren(...flags.map((flag) => el("li", {"data-flag": flag}, [
        flagMark(flag), " " + ((FLAGS[flag] || {}).legend || flag) + " ", el("span", {className: "meta", text: "(" + plural(counts.get(flag), "row", "rows") + ")"}),
      ])));
      document.getElementById("legend").hidden = false;
    }

    // A source table with few columns is laid out as the source has it; a wider one as rows.
    function tableGroup(rows) {
      const places = rows.map(cellOf);
      const height = 1 + Math.max(...places.map((place) => place[1]));
      const width = 1 + Math.max(...places.map((place) => place[2]));
      if (width > 3) { return null; }
      const grid = el("div", {className: "source-table columns-" + width});
      const cells = new Map();
      for (let line = 0; line < height; line += 1) {
        for (let column = 0; column < width; column += 1) {
          const cell = el("div", {className: "table-cell"});
          cells.set(line + ":" + column, cell);
          grid.append(cell);
        }
      }
      rows.forEach((segment, index) => cells.get(places[index][1] + ":" + places[index][2]).append(byRow.get(rowNumber(segment)).element));
      cells.forEach((cell) => { if (!cell.childElementCount) { cell.classList.add("empty"); } });
      return el("div", {className: "table-group" + (rows.some((segment) => flagsOf(segment).length) ? " flagged" : "")}, [
        el("div", {className: "table-caption", text: "A table of the release, laid out as in the source (" + plural(height, "row", "rows") + ", " + plural(width, "column", "columns") + "); each cell's sentences are reviewed one by one."}),
        grid,
      ]);
    }

    function showRows() {
      const holder = document.getElementById("rows");
      const head = el("div", {className: "row head"}, [el("div", {className: "num", text: "#"}), el("div", {text: LABELS.id}), ...targets.map((target) => el("div", {text: LABELS[target] || target})), el("div", {text: "Flags, memory and history"})]);
      const body = el("div", {className: "rows-body"});
      let group = null, block = null, tableRows = [];
      const flushTable = () => {
        if (!tableRows.length) { return; }
        const laid = tableGroup(tableRows);
        if (laid) { body.append(laid); } else { tableRows.forEach((segment) => body.append(byRow.get(rowNumber(segment)).element)); }
        tableRows = [];
      };
      segments.forEach((segment) => {
        const element = buildRow(segment);
        byRow.set(rowNumber(segment), {segment: segment, element: element});
        const place = cellOf(segment);
        if (place) {
          if (tableRows.length && cellOf(tableRows[0])[0] !== place[0]) { flushTable(); }
          tableRows.push(segment);
          return;
        }
        flushTable();
        if (segment.block !== block || !group) {
          group = el("div", {className: "block", "data-block": String(segment.block)});
          body.append(group);
          block = segment.block;
        }
        group.append(element);
      });
      flushTable();
      holder.className = "rows columns-" + targets.length;
      holder.replaceChildren(head, body);
      holder.hidden = false;
      segments.forEach((segment) => update(segment));
    }

    async function load() {
      const result = await api("GET", base);
      if (result.status !== 200) {
        say(result.status === 404 ? "There is no release at this address, or it is not yours to see." : "The release could not be loaded: " + problem(result), "error");
        document.getElementById("job-title").textContent = "Release not found";
        return;
      }
      const job = result.data.job || result.data;
      showHead(job);
      targets = targetsOf(job);
      if (job.status === "queued" || job.status === "running") {
        const total = Number(job.sentences_total) || 0;
        say(job.status === "queued" ? "This release is waiting for its turn; this page fills in when it is translated." : "Translating: " + (total ? (Number(job.sentences_done) || 0) + " of " + total + " sentences" : "reading the release") + ". This page fills in when it is done.", "busy");
        setTimeout(load, 2000);
        return;
      }
      if (job.status === "failed") { say("warta could not translate this release: " + (job.error || "no reason was given") + ".", "error"); return; }
      say("", "");
      const rows = await api("GET", base + "/segments");
      if (rows.status !== 200) { say("The rows could not be loaded: " + problem(rows), "error"); return; }
      segments = list(rows.data, "segments", "rows");
      showDownloads(job);
      showLegend();
      // "How to review" stays folded once a reviewer has folded it (in this browser)
      const how = document.getElementById("how");
      try { if (localStorage.getItem("warta-how-folded") === "1") { how.open = false; } } catch (error) { /* storage off: open */ }
      how.addEventListener("toggle", () => { try { localStorage.setItem("warta-how-folded", how.open ? "0" : "1"); } catch (error) { /* kept for this page */ } });
      how.hidden = false;
      showRows();
      document.getElementById("controls").hidden = false;
      document.getElementById("only-flagged").addEventListener("change", filter);
      document.getElementById("only-open").addEventListener("change", filter);
      document.getElementById("approve-shown").addEventListener("click", approveVisible);
      count();
      saved("", "");
      saving.textContent = "";
      if (location.hash) { const target = document.getElementById(location.hash.slice(1)); if (target) { target.scrollIntoView(); } }
    }

    // Other reviewers' work, every 20 s while the page is seen and nothing is being saved: a cell
    // being typed in keeps its text (update leaves the focused cell alone).
    async function refreshRows() {
      if (document.hidden || pending || !byRow.size) { return; }
      const result = await api("GET", base + "/segments");
      if (result.status !== 200 || pending) { return; }
      list(result.data, "segments", "rows").forEach((segment) => {
        const entry = byRow.get(rowNumber(segment));
        if (entry && !entry.element.querySelector(".in-conflict") && JSON.stringify(segment) !== JSON.stringify(entry.segment)) { update(segment); }
      });
      count();
    }
    setInterval(refreshRows, 20000);

    window.addEventListener("beforeunload", (event) => { if (pending) { event.preventDefault(); event.returnValue = ""; } });
    load();
  }

  if (page === "home") { home(); }
  if (page === "job") { review(); }
  if (page === "login") { const name = document.querySelector('input[name="name"]'); if (name && !name.value) { name.focus(); } }
}());

// Progressive enhancement for the queue: new enquiries appear without reloading. The page works
// without this file; it only adds rows as they arrive (server-sent events, backed by LISTEN/NOTIFY).
(function () {
  'use strict';
  var list = document.getElementById('live-rows');
  var status = document.getElementById('live-status');
  if (!list || !window.EventSource) return;
  var source = new EventSource('/desk/events');
  source.addEventListener('enquiry', function (ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    if (!data.reference || document.getElementById('row-' + data.reference)) return;
    fetch('/desk/queue/row/' + encodeURIComponent(data.reference), { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        if (!html) return;
        var tpl = document.createElement('template');
        tpl.innerHTML = html.trim();
        var row = tpl.content.firstElementChild;
        if (!row) return;
        row.classList.add('is-new');
        list.insertBefore(row, list.firstChild);
        document.getElementById('live-section').hidden = false;
        if (status) status.textContent = 'New enquiry ' + data.reference + ' received.';
      });
  });
  source.addEventListener('ready', function () { document.body.setAttribute('data-live', 'connected'); });
  // The server lost its database notifications for a moment: arrivals meanwhile may be missing.
  source.addEventListener('resync', function () {
    if (status) status.textContent = 'The live queue reconnected. Reload the page to be sure you see every enquiry.';
    var note = document.getElementById('live-resync');
    if (note) note.hidden = false;
  });
})();

// Progressive enhancement for the queue: new enquiries appear without reloading, and a row the
// journalist adds to (on their status page) is refreshed in place. The page works without this
// file; it only adds and refreshes rows as events arrive (server-sent events, LISTEN/NOTIFY).
(function () {
  'use strict';
  var list = document.getElementById('live-rows');
  var status = document.getElementById('live-status');
  if (!list || !window.EventSource) return;
  var source = new EventSource('/desk/events');
  // One reference at a time: a second event while its row is being fetched waits for that fetch,
  // so two quick additions cannot race to insert the same row twice.
  var pending = {};
  function rowFor(reference) {
    return fetch('/desk/queue/row/' + encodeURIComponent(reference), { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        if (!html) return null;
        var tpl = document.createElement('template');
        tpl.innerHTML = html.trim();
        return tpl.content.firstElementChild;
      });
  }
  function show(reference) {
    return rowFor(reference).then(function (row) {
      if (!row) return;
      // An enquiry in an open incident comes back as the incident's group row (id row-incident-N):
      // that row is replaced (its count and newest arrivals change), and the enquiry's own row, if
      // it was just linked, goes (it is in the group now).
      var group = row.getAttribute('data-incident');
      var existing = document.getElementById(row.id);
      var own = group ? document.getElementById('row-' + reference) : null;
      if (own && own !== existing) own.parentNode.removeChild(own);
      var added = row.hasAttribute('data-added');
      if (group) {
        var name = row.querySelector('.group-name');
        var what = 'Enquiry ' + reference + ' is in incident ' + (name ? name.textContent : '') + '.';
        if (existing) {
          if (existing.classList.contains('is-new')) row.classList.add('is-new');
          existing.parentNode.replaceChild(row, existing);
        } else {
          row.classList.add('is-new');
          list.insertBefore(row, list.firstChild);
          document.getElementById('live-section').hidden = false;
        }
        if (status) status.textContent = what;
        return;
      }
      if (existing) {
        // Known row: the journalist added to it (or withdrew it) on their status page. Replace it
        // in place, so the queue's order and the officer's scroll position stay as they were.
        if (existing.classList.contains('is-new')) row.classList.add('is-new');
        existing.parentNode.replaceChild(row, existing);
        if (added && status) status.textContent = 'New information on ' + reference + '.';
        return;
      }
      row.classList.add('is-new');
      list.insertBefore(row, list.firstChild);
      document.getElementById('live-section').hidden = false;
      if (status) status.textContent = added ? 'New information on ' + reference + '.' : 'New enquiry ' + reference + ' received.';
    });
  }
  source.addEventListener('enquiry', function (ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    var reference = data.reference;
    if (!reference) return;
    var before = pending[reference] || Promise.resolve();
    var next = before.then(function () { return show(reference); }).catch(function () {});
    pending[reference] = next;
    next.then(function () { if (pending[reference] === next) delete pending[reference]; });
  });
  source.addEventListener('ready', function () { document.body.setAttribute('data-live', 'connected'); });
  // The server lost its database notifications for a moment: arrivals meanwhile may be missing.
  source.addEventListener('resync', function () {
    if (status) status.textContent = 'The live queue reconnected. Reload the page to be sure you see every enquiry.';
    var note = document.getElementById('live-resync');
    if (note) note.hidden = false;
  });
})();

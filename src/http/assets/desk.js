// Progressive enhancement for the queue: new enquiries appear without reloading, a row the
// journalist adds to (on their status page) is refreshed in place, and the counts follow. The page works without this
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
    return fetch('/desk/queue/row/' + encodeURIComponent(reference), {
      headers: { Accept: 'text/html' },
      credentials: 'same-origin',
    })
      .then(function (r) {
        return r.ok ? r.text() : '';
      })
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
      if (status)
        status.textContent = added
          ? 'New information on ' + reference + '.'
          : 'New enquiry ' + reference + ' received.';
    });
  }
  // The counts (open, urgent, overdue, unassigned, mine, and this view's result count) follow
  // every arrival or change: one request for the same filters as the page, at most one at a time;
  // an event meanwhile asks for one more afterwards. The result count is announced (role=status).
  var counting = false;
  var countAgain = false;
  function refreshCounts() {
    if (counting) {
      countAgain = true;
      return;
    }
    counting = true;
    fetch('/desk/queue/counts' + window.location.search, {
      headers: { Accept: 'application/json' },
      credentials: 'same-origin',
    })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (c) {
        if (!c) return;
        var spans = document.querySelectorAll('[data-count]');
        for (var i = 0; i < spans.length; i++) {
          var key = spans[i].getAttribute('data-count');
          if (typeof c[key] === 'number' && spans[i].textContent !== String(c[key]))
            spans[i].textContent = String(c[key]);
        }
        var box = document.querySelector('[data-overdue-box]');
        if (box) box.className = c.overdue ? 'overdue-count' : '';
        var result = document.getElementById('result-count');
        if (result && c.totalText && result.firstChild && result.firstChild.nodeValue !== c.totalText)
          result.firstChild.nodeValue = c.totalText;
        document.body.setAttribute('data-counts-at', String(Date.now()));
      })
      .catch(function () {})
      .then(function () {
        counting = false;
        if (countAgain) {
          countAgain = false;
          refreshCounts();
        }
      });
  }
  source.addEventListener('enquiry', function (ev) {
    var data;
    try {
      data = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    var reference = data.reference;
    if (!reference) return;
    refreshCounts();
    var before = pending[reference] || Promise.resolve();
    var next = before
      .then(function () {
        return show(reference);
      })
      .catch(function () {});
    pending[reference] = next;
    next.then(function () {
      if (pending[reference] === next) delete pending[reference];
    });
  });
  // The desk changed an enquiry (assigned, status, response): its row is refreshed where this page
  // shows it, never added as an arrival; the counts follow.
  source.addEventListener('changed', function (ev) {
    var data;
    try {
      data = JSON.parse(ev.data);
    } catch (e) {
      return;
    }
    var reference = data.reference;
    if (!reference) return;
    refreshCounts();
    var existing = document.getElementById('row-' + reference);
    if (!existing) return;
    rowFor(reference)
      .then(function (row) {
        var now = document.getElementById('row-' + reference);
        // The group row an enquiry now belongs to is refreshed by its own events; keep the page's own row otherwise.
        if (!row || !now || row.id !== now.id) return;
        if (now.classList.contains('is-new')) row.classList.add('is-new');
        now.parentNode.replaceChild(row, now);
      })
      .catch(function () {});
  });
  // A colleague assigned this officer an enquiry or mentioned them in a note: the header's count
  // follows, and the live status says what it was (politely: it waits for the screen reader).
  source.addEventListener('notification', function () {
    fetch('/desk/notifications/latest.json', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (!data) return;
        var link = document.querySelector('.site-header nav a[href="/desk/notifications"]');
        if (link) {
          var badge = link.querySelector('.nav-count');
          if (!data.unread) {
            if (badge) badge.parentNode.removeChild(badge);
          } else {
            if (!badge) {
              badge = document.createElement('span');
              badge.className = 'nav-count';
              link.appendChild(badge);
            }
            badge.innerHTML = '';
            var before = document.createElement('span');
            before.className = 'visually-hidden';
            before.textContent = ', ';
            var after = document.createElement('span');
            after.className = 'visually-hidden';
            after.textContent = ' new';
            badge.appendChild(before);
            badge.appendChild(document.createTextNode(String(data.unread)));
            badge.appendChild(after);
          }
        }
        if (status && data.newest) status.textContent = data.newest.text + '. See Notifications.';
      })
      .catch(function () {});
  });
  source.addEventListener('ready', function () {
    document.body.setAttribute('data-live', 'connected');
  });
  // The server lost its database notifications for a moment: arrivals meanwhile may be missing.
  source.addEventListener('resync', function () {
    if (status) status.textContent = 'The live queue reconnected. Reload the page to be sure you see every enquiry.';
    var note = document.getElementById('live-resync');
    if (note) note.hidden = false;
  });
})();

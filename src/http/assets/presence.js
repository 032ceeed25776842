// Who else has this enquiry open, and who is writing on it (issue 29). The page says it on load
// without this file; this keeps it current: a heartbeat says this tab is here (and what its
// officer is typing in), sendBeacon says when it is closed, and the enquiry's presence stream
// (server-sent events, NOTIFY between web processes) brings everyone else's changes.
(function () {
  'use strict';
  var region = document.getElementById('presence');
  var status = document.getElementById('presence-status');
  var token = document.querySelector('input[name="_csrf"]');
  if (!region || !status || !token || !window.fetch) return;
  var csrf = token.value;
  var base = '/desk/presence/' + encodeURIComponent(region.getAttribute('data-reference'));
  var beatMs = (Number(region.getAttribute('data-heartbeat')) || 12) * 1000;
  // Typing in one of these boxes is "writing" for this long after the last key.
  var WRITING_MS = 8000;
  var BOXES = { reply: 'reply', email: 'reply', response: 'response', note: 'note', draft: 'line' };
  var tab =
    window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + '-' + Date.now();
  var writing = '';
  var idle = null;
  var timer = null;
  var here = false;

  function beat() {
    clearTimeout(timer);
    here = true;
    fetch(base, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf },
      body: new URLSearchParams({ tab: tab, writing: writing }).toString(),
    }).catch(function () {
      // The next beat tries again; presence is a courtesy, never in the way of the work.
    });
    timer = setTimeout(beat, beatMs);
  }

  function leave() {
    if (!here) return;
    here = false;
    clearTimeout(timer);
    var body = new URLSearchParams({ tab: tab, _csrf: csrf });
    if (navigator.sendBeacon) navigator.sendBeacon(base + '/leave', body);
  }

  document.addEventListener('input', function (ev) {
    var what = ev.target && BOXES[ev.target.name];
    if (!what) return;
    clearTimeout(idle);
    idle = setTimeout(function () {
      writing = '';
      beat();
    }, WRITING_MS);
    if (writing !== what) {
      writing = what;
      beat();
    }
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') leave();
    else beat();
  });
  window.addEventListener('pagehide', leave);

  if (window.EventSource) {
    var source = new EventSource(base + '/events');
    source.addEventListener('ready', function () {
      region.setAttribute('data-live', 'connected');
    });
    var shown = status.textContent.trim();
    var count = Number(status.getAttribute('data-count')) || 0;
    var later = null;
    function show(data) {
      clearTimeout(later);
      later = null;
      count = data.people ? data.people.length : 0;
      // Only a change is written, so the polite live region speaks once per change.
      if (shown !== data.text) status.textContent = shown = data.text;
      status.setAttribute('data-count', String(count));
    }
    source.addEventListener('presence', function (ev) {
      var data;
      try {
        data = JSON.parse(ev.data);
      } catch (e) {
        return;
      }
      // Someone leaving is said a second later: a colleague whose page reloads after a send
      // (leave, then back) is not announced as gone and back again.
      var fewer = (data.people ? data.people.length : 0) < count;
      if (fewer && data.text !== shown) {
        clearTimeout(later);
        later = setTimeout(function () {
          show(data);
        }, 1000);
      } else show(data);
    });
    source.addEventListener('error', function () {
      region.setAttribute('data-live', 'reconnecting');
    });
    window.addEventListener('pagehide', function () {
      source.close();
    });
  }
  beat();
})();

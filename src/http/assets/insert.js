// Progressive enhancement for every box that writes to a journalist (issue 28, items 1 and 2): a
// search above the box inserts an approved line to take or a reply template at the caret, and an
// SMS-bound box counts its characters and SMS segments as it is typed. The forms work without
// this file (the desk pages link to the library instead).
//
// Markup it reads: a textarea with `data-insert="<suggest URL>"` (answering
// `{"items":[{kind,id,title,text,warning,segments,characters}]}` for `?q=`), optionally
// `data-insert-kinds="line"` to offer lines only; a textarea with `data-sms-count` gets the counter.
//
// The search is the WAI-ARIA 1.2 combobox pattern (list autocomplete, no automatic selection):
// typing searches (debounced), ArrowDown/ArrowUp move through the options, Enter inserts, Escape
// closes (or clears), Tab leaves. A line past its review date (`warning`) is inserted only on a
// second Enter (or click), after its warning has been shown and announced.
(function () {
  'use strict';
  if (!window.fetch || !document.querySelector) return;

  // How Twilio counts an SMS, as src/telephony/sms-encoding.ts (smsSize): texts made only of the
  // GSM 03.38 alphabet take 160 places in one segment and 153 a segment when joined, the extension
  // table's characters taking two places each; anything else is UCS-2, 70 and 67, counted in
  // UTF-16 code units (an emoji takes two).
  var GSM = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà\f^{}\\[~\]|€]*$/;
  var GSM_EXTENDED = /[\f^{}\\[~\]|€]/g;
  function smsSize(text) {
    var gsm = GSM.test(text);
    var length = gsm ? text.length + (text.match(GSM_EXTENDED) || []).length : text.length;
    if (!length) return { length: 0, segments: 0 };
    var single = gsm ? 160 : 70;
    var joined = gsm ? 153 : 67;
    return { length: length, segments: length <= single ? 1 : Math.ceil(length / joined) };
  }
  function plural(n, one, many) {
    return n + ' ' + (n === 1 ? one : many);
  }
  function sizeWords(size) {
    return (
      plural(size.length, 'character', 'characters') + ' · ' + plural(size.segments, 'SMS segment', 'SMS segments')
    );
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function describe(control, id) {
    var ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) < 0) ids.push(id);
    control.setAttribute('aria-describedby', ids.join(' '));
  }
  /** The element a widget goes before: the box's field wrapper (label, hint, error, box), or the box. */
  function fieldOf(box) {
    var field = box.parentNode;
    return field && field.classList && field.classList.contains('field') ? field : box;
  }

  /**
   * The counter under an SMS-bound box: "N characters · M SMS segments", shown as it is typed and
   * read with the box (aria-describedby); a hidden polite live region repeats it once typing
   * pauses, so a screen reader is told without every keystroke being announced.
   */
  function counter(box) {
    var shown = el('p', { class: 'hint sms-count', id: box.id + '-sms-count' });
    var spoken = el('p', { class: 'visually-hidden', id: box.id + '-sms-status', 'aria-live': 'polite' });
    var field = fieldOf(box);
    field.parentNode.insertBefore(spoken, field.nextSibling);
    field.parentNode.insertBefore(shown, field.nextSibling);
    describe(box, shown.id);
    var timer = null;
    function update() {
      var words = sizeWords(smsSize(box.value));
      if (shown.textContent !== words) shown.textContent = words;
      clearTimeout(timer);
      timer = setTimeout(function () {
        spoken.textContent = words;
      }, 900);
    }
    box.addEventListener('input', update);
    shown.textContent = sizeWords(smsSize(box.value));
  }

  var widgets = 0;

  /** The search above a box: a labelled combobox and its listbox of lines and templates. */
  function inserter(box) {
    widgets += 1;
    var base = box.id || 'box-' + widgets;
    var url = box.getAttribute('data-insert');
    var kinds = (box.getAttribute('data-insert-kinds') || '').split(/[\s,]+/).filter(Boolean);
    var sms = box.hasAttribute('data-sms-count');
    var wrap = el('div', { class: 'insert', 'data-insert-for': base });
    var label = el('label', { for: base + '-insert' }, 'Insert a line or template');
    if (kinds.length === 1 && kinds[0] === 'line') label.textContent = 'Insert a line to take';
    var hint = el(
      'p',
      { class: 'hint', id: base + '-insert-hint' },
      'Type words from its title or text, then choose with the arrow keys and press Enter. It goes in where the cursor is in the box below.',
    );
    var input = el('input', {
      type: 'text',
      id: base + '-insert',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': base + '-insert-list',
      'aria-describedby': base + '-insert-hint',
      autocomplete: 'off',
      spellcheck: 'false',
      class: 'insert__search',
    });
    var list = el('ul', {
      id: base + '-insert-list',
      role: 'listbox',
      class: 'insert__list',
      'aria-label': label.textContent.replace(/^Insert an? /, '').replace(/^./, function (c) {
        return c.toUpperCase();
      }),
    });
    list.hidden = true;
    var status = el('p', { class: 'visually-hidden', id: base + '-insert-status', 'aria-live': 'polite' });
    wrap.appendChild(label);
    wrap.appendChild(hint);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    var field = fieldOf(box);
    field.parentNode.insertBefore(wrap, field);

    // Pressed with a pointer (an option, the list's scroll bar): the search keeps the focus, so the
    // list stays open, and an option's click inserts it.
    list.addEventListener('mousedown', function (ev) {
      ev.preventDefault();
    });

    var items = [];
    var active = -1;
    var confirming = -1;
    var timer = null;
    var asked = 0;
    // Where the box's caret was: kept as the box loses focus to the search. A box never touched
    // gets the line at its end, never in front of what is already there.
    var touched = false;
    box.addEventListener('focus', function () {
      touched = true;
    });

    function say(text) {
      // Cleared first, so the same words said twice are announced twice.
      status.textContent = '';
      setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
      confirming = -1;
    }
    function optionId(i) {
      return base + '-insert-option-' + i;
    }
    function select(i) {
      var options = list.children;
      if (confirming !== i) {
        confirming = -1;
        var warned = list.querySelector('.insert__confirm');
        if (warned) warned.parentNode.removeChild(warned);
      }
      for (var j = 0; j < options.length; j++) options[j].setAttribute('aria-selected', j === i ? 'true' : 'false');
      active = i;
      if (i < 0) {
        input.removeAttribute('aria-activedescendant');
        return;
      }
      input.setAttribute('aria-activedescendant', optionId(i));
      if (options[i].scrollIntoView) options[i].scrollIntoView({ block: 'nearest' });
    }
    function render(found) {
      items = kinds.length
        ? found.filter(function (it) {
            return kinds.indexOf(it.kind) >= 0;
          })
        : found;
      list.textContent = '';
      active = -1;
      confirming = -1;
      if (!items.length) {
        close();
        say(input.value.trim() ? 'Nothing in the library matches.' : '');
        return;
      }
      items.forEach(function (it, i) {
        var option = el('li', {
          id: optionId(i),
          role: 'option',
          'aria-selected': 'false',
          class: 'insert__option' + (it.warning ? ' insert__option--warn' : ''),
        });
        var head = el('span', { class: 'insert__title' }, (it.kind === 'line' ? it.id : 'Template') + ' · ' + it.title);
        option.appendChild(head);
        if (it.warning) option.appendChild(el('span', { class: 'tag tag--warn insert__badge' }, 'Review due'));
        var snippet = it.text.length > 140 ? it.text.slice(0, 140).replace(/\s+\S*$/, '') + '…' : it.text;
        option.appendChild(el('span', { class: 'insert__snippet' }, snippet));
        option.appendChild(el('span', { class: 'insert__size' }, plural(it.segments, 'SMS segment', 'SMS segments')));
        option.addEventListener('click', function () {
          select(i);
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      input.removeAttribute('aria-activedescendant');
      say(
        plural(items.length, 'suggestion', 'suggestions') +
          '. Use the up and down arrows to choose, and Enter to insert.',
      );
    }
    function search(now) {
      clearTimeout(timer);
      var q = input.value.trim();
      var run = function () {
        asked += 1;
        var mine = asked;
        var sep = url.indexOf('?') >= 0 ? '&' : '?';
        fetch(url + sep + 'q=' + encodeURIComponent(q), {
          headers: { Accept: 'application/json' },
          credentials: 'same-origin',
        })
          .then(function (r) {
            if (!r.ok) throw new Error(String(r.status));
            return r.json();
          })
          .then(function (body) {
            // Only the answer to the latest search is shown: an earlier, slower one is dropped.
            if (mine !== asked || input.value.trim() !== q) return;
            render((body && body.items) || []);
          })
          .catch(function () {
            if (mine !== asked) return;
            close();
            say('The library could not be searched just now. Try again, or type the line.');
          });
      };
      if (now) run();
      else timer = setTimeout(run, 150);
    }
    function insert(it) {
      var text = it.text;
      var value = box.value;
      var start = touched ? box.selectionStart : value.length;
      var end = touched ? box.selectionEnd : value.length;
      var max = Number(box.getAttribute('maxlength')) || 0;
      if (max && value.length - (end - start) + text.length > max) {
        say('It does not fit: the box takes ' + max + ' characters. Shorten what is there first.');
        return false;
      }
      box.focus();
      if (box.setRangeText) box.setRangeText(text, start, end, 'end');
      else {
        box.value = value.slice(0, start) + text + value.slice(end);
        box.selectionStart = box.selectionEnd = start + text.length;
      }
      touched = true;
      // The counter (and anything else watching the box) follows.
      box.dispatchEvent(new Event('input', { bubbles: true }));
      var what = it.kind === 'line' ? 'Line ' + it.id : 'Template';
      var size = sms ? smsSize(box.value) : null;
      say(
        what +
          ' inserted: ' +
          it.title +
          '.' +
          (size ? ' The message is now ' + sizeWords(size).replace(' · ', ', ') + '.' : ''),
      );
      return true;
    }
    function choose(i) {
      var it = items[i];
      if (!it) return;
      if (it.warning && confirming !== i) {
        // A warning before use: said in the option and aloud; the same choice again inserts it.
        confirming = i;
        var warning = /[.!?]$/.test(it.warning) ? it.warning : it.warning + '.';
        var option = document.getElementById(optionId(i));
        option.appendChild(
          el('span', { class: 'insert__confirm' }, warning + ' Press Enter again to insert it anyway.'),
        );
        say(warning + ' Press Enter again to insert it anyway, or choose another.');
        return;
      }
      if (!insert(it)) return;
      input.value = '';
      close();
      list.textContent = '';
      items = [];
    }

    input.addEventListener('input', function () {
      if (!input.value.trim()) {
        clearTimeout(timer);
        asked += 1;
        close();
        return;
      }
      search(false);
    });
    input.addEventListener('keydown', function (ev) {
      var open = !list.hidden;
      switch (ev.key) {
        case 'ArrowDown':
          ev.preventDefault();
          if (!open) {
            if (items.length) {
              list.hidden = false;
              input.setAttribute('aria-expanded', 'true');
              if (!ev.altKey) select(0);
            } else search(true);
            return;
          }
          if (!ev.altKey) select(active < items.length - 1 ? active + 1 : 0);
          return;
        case 'ArrowUp':
          if (!open) return;
          ev.preventDefault();
          select(active > 0 ? active - 1 : items.length - 1);
          return;
        case 'Enter':
          // Never the reply form's submit: Enter here is for the search.
          ev.preventDefault();
          if (open && active >= 0) choose(active);
          else if (!open && input.value.trim()) search(true);
          return;
        case 'Escape':
          if (open) {
            ev.preventDefault();
            close();
          } else if (input.value) {
            ev.preventDefault();
            input.value = '';
          }
          return;
        case 'Tab':
          close();
          return;
      }
    });
    input.addEventListener('blur', function () {
      close();
    });
  }

  var boxes = document.querySelectorAll('textarea[data-sms-count]');
  for (var i = 0; i < boxes.length; i++) counter(boxes[i]);
  var targets = document.querySelectorAll('textarea[data-insert]');
  for (var j = 0; j < targets.length; j++) inserter(targets[j]);
})();

// The layout checks of tests/e2e/test_layout.py: one pass over the page as laid out now, returning its problems.
({phone, minTarget}) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    const wide = [...document.querySelectorAll('main *, header *, footer *')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.width && r.right > window.innerWidth + 1 && !el.closest('.table-scroll') && el.checkVisibility();
    }).slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
    problems.push(`horizontal scroll: page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window (${wide.join(', ')})`);
  }
  const name = el => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()} "${text.slice(0, 40)}"`;
  };
  const visible = el => {
    if (el.closest('.visually-hidden, wagtail-userbar')) return false;
    // Not rendered: display none, visibility hidden, or inside a closed disclosure (content-visibility).
    if (!el.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.left < root.scrollWidth;
  };
  const controls = [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])'
  )].filter(visible).filter(el => el.id !== 'main');
  // Overlaps: two controls, neither inside the other, sharing more than a sliver of area.
  // Per line box: a link wrapping over two lines is two rectangles, not the box around both.
  const rects = controls.map(el => [...el.getClientRects()]);
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) continue;
      if (a.closest('label') && a.closest('label') === b.closest('label')) continue;
      let worst = null;
      for (const r of rects[i]) for (const s of rects[j]) {
        const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (w > 2 && h > 2) worst = [w, h];
      }
      if (worst) problems.push(`overlap: ${name(a)} and ${name(b)} (${Math.round(worst[0])}x${Math.round(worst[1])} px)`);
    }
  }
  // Tables: each header cell starts and ends where its column does in the first body row.
  for (const table of document.querySelectorAll('table')) {
    if (!visible(table)) continue;
    const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    const body = table.tBodies[0] && table.tBodies[0].rows[0];
    if (!head || !body) continue;
    const spans = row => [...row.cells].reduce((n, c) => n + c.colSpan, 0);
    if (spans(head) !== spans(body) || [...head.cells, ...body.cells].some(c => c.colSpan > 1)) continue;
    [...head.cells].forEach((th, k) => {
      const h = th.getBoundingClientRect(), d = body.cells[k].getBoundingClientRect();
      if (Math.abs(h.left - d.left) > 2 || Math.abs(h.right - d.right) > 2) {
        problems.push(`table "${(table.caption ? table.caption.innerText : table.className).trim().slice(0, 40)}": header ${name(th)} spans ${Math.round(h.left)}–${Math.round(h.right)} px, its column ${Math.round(d.left)}–${Math.round(d.right)} px`);
      }
    });
  }
  // Checkboxes and radio buttons: the first line of the label sits beside its box, not above or below it.
  for (const box of controls.filter(el => el.matches('input[type=checkbox], input[type=radio]'))) {
    const label = box.closest('label') || (box.id && document.querySelector(`label[for="${CSS.escape(box.id)}"]`));
    if (!label || !visible(label)) continue;
    // The first words of the label (its text, not the box a wrapping label holds).
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT, {acceptNode: t => t.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
    const text = walker.nextNode();
    if (!text) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    const first = [...range.getClientRects()].find(r => r.width > 1 && r.height > 1);
    if (!first) continue;
    const b = box.getBoundingClientRect();
    const level = Math.abs((first.top + first.bottom) / 2 - (b.top + b.bottom) / 2) <= Math.max(b.height, first.height) / 2 + 2;
    const beside = first.left >= b.right - 2 || first.right <= b.left + 2;
    if (!level || !beside) problems.push(`${box.type} ${name(box)}: its label ${name(label)} starts ${level ? 'on top of' : 'on another line than'} the box`);
  }
  // Drop-downs on a wide screen: the chosen option reads whole (a phone may have to cut a long one short).
  if (!phone) {
    const ruler = document.createElement('canvas').getContext('2d');
    for (const select of controls.filter(el => el.tagName === 'SELECT' && !el.multiple && el.selectedOptions.length)) {
      const style = getComputedStyle(select);
      ruler.font = style.font;
      const words = ruler.measureText(select.selectedOptions[0].text.trim()).width;
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;  // the arrow
      if (words > room + 1) problems.push(`cut short: ${name(select)} shows ${Math.round(room)} of the ${Math.round(words)} px its choice "${select.selectedOptions[0].text.trim().slice(0, 40)}" needs`);
    }
  }
  if (phone) {
    // A link inside a sentence is exempt (WCAG 2.5.8's inline exception): its block holds more text than the link.
    const inline = el => {
      if (el.tagName !== 'A') return false;
      const block = el.parentElement.closest('p, li, td, th, dd, dt, figcaption, label, legend, h1, h2, h3, h4, span.hint, span.helptext, div');
      const text = s => (s || '').replace(/\s+/g, ' ').trim().length;
      return block && text(block.innerText) > text(el.innerText) + 2;
    };
    for (const el of controls) {
      if (inline(el)) continue;
      let box = el;
      if (el.matches('input[type=checkbox], input[type=radio]')) box = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
      const r = box.getBoundingClientRect();
      if (r.width < minTarget - 0.5 || r.height < minTarget - 0.5) {
        problems.push(`touch target: ${name(el)} is ${Math.round(r.width)}x${Math.round(r.height)} px`);
      }
    }
  }
  return problems;
}

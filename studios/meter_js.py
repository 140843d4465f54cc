"""The Create meter in the page: the catalog's price rules are shipped once, and a click reprices
in the browser at once; the server's estimate (authoritative for money: confirm_usd, max_usd)
replaces it a moment later. Only plain per-second, per-block and per-run formulas with a length
the form sets are computed here; anything else waits for the server."""

from __future__ import annotations

import json

from core.studio import Studio

OPERATIONS = ("text-to-video", "image-to-video")


def price_rules(studio: Studio) -> dict:
    """{model id: what the page needs to price it} for the Create tab's operations."""
    configured = studio.configured_providers()
    rules = {}
    for op in OPERATIONS:
        for m in studio.catalog.models(operation=op):
            caps, price = m.capabilities, m.price
            provider = studio.providers.get(m.provider)
            rules[m.id] = {
                "op": op, "name": m.name, "offline": m.offline, "ready": m.offline or m.provider in configured,
                "key_title": getattr(provider, "title", m.provider), "key_env": getattr(provider, "key_env", ""),
                "unit": price.unit, "rates": price.rates, "audio_rates": price.audio_rates,
                "block_s": price.block_s, "min_s": price.min_billed_s, "max_s": price.max_billed_s,
                "verified": price.verified, "from": caps.duration_from, "durations": caps.durations,
                "default_duration": m.default_duration, "default_resolution": m.default_resolution,
                "sound": caps.audio_out and bool(price.audio_rates), "base_s": m.latency.base_s,
                "per_s": m.latency.per_output_s,
            }
    return rules


# Called with the form's values in build_request's order; edits the meter's DOM in place.
TEMPLATE = """
(mode, prompt, negative, image, audio, duration, resolution, aspect, platform, template, motion, quality,
 model, seed, variations) => {
  const RULES = __RULES__;
  const line = document.querySelector('#vs-create-line .vs-line');
  const meter = document.querySelector('#vs-create-meter .vs-meter');
  if (!line || !meter) return [];
  const id = model && model !== 'auto' ? model : line.dataset.model;
  const r = RULES[id];
  const op = mode === 'Image to video' ? 'image-to-video' : 'text-to-video';
  if (!r || r.op !== op || r.unit === 'per_1k_chars' || r.from !== 'request') return [];
  const usd = (v) => v === 0 ? '$0.00' : v >= 0.01 ? '$' + v.toFixed(2) : '$' + v.toFixed(4).replace(/0+$/, '');
  const unitUsd = (v) => { const [w, c = ''] = v.toFixed(4).replace(/0+$/, '').split('.'); return '$' + w + '.' + c.padEnd(2, '0'); };
  const res = resolution || r.default_resolution;
  const pick = (rates) => rates[res] !== undefined ? rates[res] : rates['*'];
  const runs = Math.max(1, parseInt(variations || 1));
  const seconds = Number(duration || r.default_duration || (r.durations[0] || 0));
  let total = 0, unitPrice = '', billed = null;
  if (r.unit !== 'free') {
    let rate = pick(r.rates);
    if (rate === undefined) return [];
    if (r.sound) { const a = pick(r.audio_rates); if (a === undefined) return []; rate += a; }
    let units = 1;
    if (r.unit !== 'per_run') {
      billed = Math.max(Math.ceil(seconds - 1e-9), r.min_s);
      if (r.max_s !== null) billed = Math.min(billed, r.max_s);
      units = r.unit === 'per_block' ? Math.ceil(billed / r.block_s - 1e-9) : billed;
    }
    total = Math.round(rate * units * 10000) / 10000 * runs;
    const per = {per_second: 'per second', per_block: 'per ' + r.block_s + ' s', per_run: 'per run'}[r.unit];
    unitPrice = unitUsd(rate) + ' ' + per;
  }
  const price = r.offline ? 'Free' : (r.verified ? '' : '~') + usd(total);
  const secs = r.base_s + r.per_s * seconds;
  const time = secs < 90 ? '~' + Math.round(secs) + ' s' : '~' + Math.round(secs / 60) + ' min';
  line.innerHTML = 'Cost <b' + (r.offline ? " class='free'" : '') + '>' + price + '</b> <span class="sep">|</span> Time <b>' + time + '</b>';
  const rows = [['Model', r.name], ['Duration', seconds + ' s'], ['Resolution', res || 'as the input'],
    ['Aspect', !aspect || aspect === 'auto' ? 'same as the input' : aspect],
    ['Sound', r.sound ? 'on' : (audio ? 'your soundtrack' : 'off')], ['Variations', '× ' + runs], ['Quality', quality]];
  if (billed !== null) rows.push(['Billed seconds', billed + ' s']);
  rows.push(['Unit price', unitPrice || 'Free: runs on this computer']);
  const esc = (s) => String(s).replace(/[&<>'"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
  const table = meter.querySelector('table');
  if (table) table.innerHTML = rows.map(([k, v]) => '<tr><td>' + esc(k) + '</td><td>' + esc(v) + '</td></tr>').join('');
  meter.querySelectorAll('.vs-issue, .vs-needs-key, .vs-hint').forEach((el) => el.remove());
  if (!r.ready) {
    const box = document.createElement('div');
    box.className = 'vs-needs-key';
    box.textContent = r.name + ' would cost ' + usd(total) + ' - add a ' + r.key_title + ' key to run it (set ' + r.key_env + ' in the environment or the .env file, then restart the studio).';
    meter.prepend(box);
  }
  return [];
}
"""


def meter_js(studio: Studio) -> str:
    """The page's repricing function with the catalog's rules inlined."""
    return TEMPLATE.replace("__RULES__", json.dumps(price_rules(studio)))

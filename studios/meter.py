"""The cost meter as the seed draws it: "Cost ~$x | Time ~y s" beside the Generate button, then
every driver, what is missing (a key, a prompt), and the budget left. Pure HTML from an estimate."""

from __future__ import annotations

from datetime import datetime
from html import escape

from core.money.pricing import format_usd as usd

CSS = """
.vs-line {display:flex; align-items:center; gap:10px; font-size:1.15em; font-variant-numeric:tabular-nums;}
.vs-line b {font-size:1.2em;}
.vs-line .sep {color:#9ca3af;}
.vs-line .free {color:#15803d;}
.vs-needs-key {color:#92400e; background:#fef3c7; border-radius:6px; padding:4px 8px; margin:4px 0;}
.vs-hint {color:#6b7280; margin:4px 0;}
"""
ALLOWED_WORDS = {"auto": "same as the input"}


def seconds_words(seconds: float | None) -> str:
    """~45 s, ~2 min, ~1 h 5 min."""
    if not seconds:
        return "-"
    if seconds < 90:
        return f"~{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"~{minutes} min" if minutes < 60 else f"~{minutes // 60} h {minutes % 60} min"


def price_words(est: dict) -> str:
    total, bound, basis = est.get("total_usd") or 0.0, est.get("max_usd") or 0.0, est.get("price_basis")
    if est.get("offline") and not bound:
        return "Free"
    if basis == "upper-bound":
        return f"up to {usd(bound)}"
    return ("" if basis == "provider-quote" or est.get("price_verified") else "~") + usd(total)


def meter_line(est: dict | None) -> str:
    """'Cost ~$3.20 | Time ~2 min' (the Generate button sits right after it)."""
    if not est or not est.get("model"):
        return "<div class='vs-line'>Cost <b>-</b> <span class='sep'>|</span> Time <b>-</b></div>"
    price = price_words(est)
    cls = " class='free'" if price == "Free" else ""
    return (f"<div class='vs-line' data-model='{escape(est['model'])}'>Cost <b{cls}>{escape(price)}</b> "
            f"<span class='sep'>|</span> Time <b>{escape(seconds_words(est.get('expected_s')))}</b></div>")


def priced_meter(est: dict | None) -> str:
    """The price in words ('Free', '$2.82', 'up to $1.62') and the model, above every driver (for
    tabs whose action button is not on the price line)."""
    if not est:
        return cost_meter(None)
    price = price_words(est)
    model = escape(est.get("model_name") or "no model can run this yet")
    cls = " class='free'" if price == "Free" else ""
    head = (f"<div class='vs-line'>Cost <b{cls}>{escape(price)}</b> "
            f"<span class='sep'>|</span> {model}</div>")
    return head + cost_meter(est)


def cost_meter(est: dict | None) -> str:
    """Every driver, notes, what must change before it can run, and this month's budget."""
    if not est:
        return "<div class='vs-meter vs-hint'>Fill in the form to see the cost.</div>"
    rows = "".join(f"<tr><td>{escape(d['label'])}</td><td>{escape(str(d['value']))}</td></tr>"
                   for d in est.get("breakdown", []))
    needs_key = (f"<div class='vs-needs-key'>&#128273; {escape(est['message'])}</div>"
                 if est.get("needs_key") else "")
    issues = "".join(_issue(i) for i in est.get("issues", [])
                     if not (est.get("needs_key") and i["field"] == "model"))
    notes = "".join(f"<div class='vs-note'>{escape(n)}</div>" for n in est.get("notes", []))
    found = est.get("reuse")
    if found and not est.get("offline"):
        made = datetime.fromisoformat(found["created_at"])
        notes += (f"<div class='vs-reuse'>You made this on {made.day} {made:%b} ({escape(found.get('title') or '')}): "
                  "Generate offers it at $0 instead of paying again.</div>")
    bound = est.get("max_usd") or 0.0
    confirm = (f"<div class='vs-note'><b>Above your confirmation threshold:</b> tick \"I agree to pay up to "
               f"{usd(bound)}\" to run.</div>" if est.get("needs_confirmation") else "")
    budget = est.get("budget_left_usd")
    spent = f"This month: {usd(est.get('month_spend_usd') or 0)} spent"
    budget_line = spent + (f", {usd(budget)} of {usd(est.get('budget_usd') or 0)} left" if budget is not None
                           else "")
    quote = " <span class='vs-note'>(live quote from the provider)</span>" \
        if est.get("price_basis") == "provider-quote" else ""
    return (f"<div class='vs-meter'>{needs_key}<table>{rows}</table>{quote}{notes}{issues}{confirm}"
            f"<div class='vs-note' style='margin-top:6px'>Budget: {escape(budget_line)}</div></div>")


def _issue(issue: dict) -> str:
    """A problem to fix; an empty prompt is a hint (the form starts empty), not an error."""
    allowed = [ALLOWED_WORDS.get(str(a), str(a)) for a in issue.get("allowed") or []]
    extra = f" <span class='vs-note'>Allowed: {escape(', '.join(allowed))}</span>" if allowed else ""
    if issue.get("field") == "prompt":
        return f"<div class='vs-hint'>&#9998; {escape(issue['message'])}</div>"
    return f"<div class='vs-issue'>&#9888; {escape(issue['message'])}{extra}</div>"

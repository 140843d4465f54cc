"""Analytics (inside the Library tab): where the money and the time go, as Gradio's native plots.

Spend per day, studio and model; estimate vs actual per model; P50/P90 job time per model and
tier; success rate per model; spend to date against the plan's monthly budget; per person for
admins. Every figure comes from studio.analytics (the ledger and the jobs); CSV of the runs behind it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import gradio as gr
import pandas as pd

from core.studio import Studio
from studios.files import served
from studios.session import is_admin, owner_of, owner_or_none
from studios.labels import said

PER_PERSON = "user"  # the analytics grouping by account (rows keyed by the ledger's owner, never a request field)

MINE, EVERYONE = "Mine", "Everyone (admins)"


def month_start() -> str:
    return datetime.now(UTC).strftime("%Y-%m-01")


def frames(by_day: list[dict], by_studio: list[dict], by_model: list[dict],
           budget: float | None) -> dict[str, pd.DataFrame]:
    """The plots' rows (long form where two series share a plot)."""
    day = pd.DataFrame([{"day": r["day"], "spend_usd": r["spend_usd"], "runs": r["runs"]} for r in by_day],
                       columns=["day", "spend_usd", "runs"])
    studio = pd.DataFrame([{"studio": r["studio"], "spend_usd": r["spend_usd"]} for r in by_studio],
                          columns=["studio", "spend_usd"])
    label = {r["model"]: f"{_named(r)} ({r['tier']})" if r.get("tier") else _named(r) for r in by_model}
    model = pd.DataFrame([{"model": label[r["model"]], "spend_usd": r["spend_usd"]} for r in by_model],
                         columns=["model", "spend_usd"])
    # Two bars per model side by side (a bar plot stacks bars that share an x): one x per model and figure.
    versus = pd.DataFrame([{"bar": f"{label[r['model']]} · {name}", "figure": name, "usd": r[key]} for r in by_model
                           for name, key in (("estimate", "estimate_usd"), ("actual", "actual_usd"))],
                          columns=["bar", "figure", "usd"])
    times = pd.DataFrame([{"bar": f"{label[r['model']]} · {name}", "percentile": name, "seconds": r[key]}
                          for r in by_model for name, key in (("P50", "p50_s"), ("P90", "p90_s"))
                          if r[key] is not None], columns=["bar", "percentile", "seconds"])
    success = pd.DataFrame([{"model": label[r["model"]], "success_pct": round(100 * r["success_rate"], 1)}
                            for r in by_model if r["success_rate"] is not None], columns=["model", "success_pct"])
    running, budget_rows = 0.0, []
    for r in by_day:
        running += r["spend_usd"]
        budget_rows.append({"day": r["day"], "series": "spend to date", "usd": round(running, 4)})
        if budget is not None:
            budget_rows.append({"day": r["day"], "series": "monthly budget", "usd": budget})
    return {"day": day, "studio": studio, "model": model, "versus": versus, "times": times, "success": success,
            "budget": pd.DataFrame(budget_rows, columns=["day", "series", "usd"])}


def table(by_model: list[dict]) -> pd.DataFrame:
    rows = [{"model": _named(r), "runs": r["runs"], "spend $": r["spend_usd"], "estimate $": r["estimate_usd"],
             "actual $": r["actual_usd"], "delta mean $": r["delta_mean_usd"], "delta spread $": r["delta_sd_usd"],
             "P50 s": r["p50_s"], "P90 s": r["p90_s"],
             "success %": None if r["success_rate"] is None else round(100 * r["success_rate"], 1)} for r in by_model]
    return pd.DataFrame(rows, columns=["model", "runs", "spend $", "estimate $", "actual $", "delta mean $",
                                       "delta spread $", "P50 s", "P90 s", "success %"])


def budget_line(summary: dict, totals: dict) -> str:
    budget = summary.get("budget_usd")
    share = f" ({100 * summary['month_spend_usd'] / budget:.0f}% of the budget)" if budget else ""
    rate = "" if totals["success_rate"] is None else f", {100 * totals['success_rate']:.0f}% succeeded"
    return (f"**This month:** {summary['runs']} paid run(s), {dollars(summary['month_spend_usd'])} spent of "
            f"{dollars(budget)} on the {summary['plan']} plan{share}. **In the range:** {totals['runs']} run(s), "
            f"{dollars(totals['spend_usd'])} spent{rate}.")


def dollars(value: float | None) -> str:
    return "no limit" if value is None else f"${value:,.2f}"


def build(studio: Studio, tab: gr.Tab) -> None:
    with gr.Row():
        # Filled when the tab opens (a callable default would be a public API endpoint of its own).
        since = gr.Textbox(label="From (YYYY-MM-DD)", value="", scale=1)
        until = gr.Textbox(label="Until (YYYY-MM-DD)", value="", scale=1)
        scope = gr.Radio([MINE, EVERYONE], value=MINE, label="Whose runs", visible=False, scale=1)
        show_btn = gr.Button("Show", variant="primary", scale=0)
        csv_btn = gr.Button("Export CSV", scale=0)
    summary = gr.Markdown("")
    csv_file = gr.File(label="Runs (CSV)", visible=False, interactive=False)
    with gr.Row():
        per_day = gr.BarPlot(x="day", y="spend_usd", title="Spend per day ($)", height=240)
        to_budget = gr.LinePlot(x="day", y="usd", color="series", title="Spend to date against the budget ($)",
                                height=240)
    with gr.Row():
        per_studio = gr.BarPlot(x="studio", y="spend_usd", title="Spend per studio ($)", height=240)
        per_model = gr.BarPlot(x="model", y="spend_usd", title="Spend per model ($)", height=240)
    with gr.Row():
        versus = gr.BarPlot(x="bar", y="usd", color="figure", title="Estimate vs actual per model ($)", height=260,
                            x_title="model", sort=None)
        times = gr.BarPlot(x="bar", y="seconds", color="percentile", title="Job time per model and tier (s)",
                           height=260, x_title="model", sort=None)
    with gr.Row():
        success = gr.BarPlot(x="model", y="success_pct", title="Success rate per model (%)", height=240,
                             y_lim=[0, 100])
        per_person = gr.BarPlot(x="person", y="spend_usd", title="Spend per person ($)", height=240, visible=False)
    rows = gr.Dataframe(label="Per model", interactive=False, wrap=True)

    def range_of(a, b) -> dict:
        return {k: v.strip() for k, v in (("since", a or ""), ("until", b or "")) if v.strip()}

    def on_show(a, b, whose, request: gr.Request):
        owner = owner_or_none(request)
        if owner is None:
            return ["", *[gr.update()] * 9]
        everyone = whose == EVERYONE and is_admin(request)
        body = range_of(a, b)
        try:
            found = {g: studio.analytics({**body, "group_by": g}, owner=owner, everyone=everyone)
                     for g in ("day", "studio", "model")}
        except Exception as exc:
            return [f"**Check the dates:** {said(exc)}", *[gr.update()] * 9]
        plan = studio.ledger_summary(owner=owner)
        shown = frames(found["day"]["rows"], found["studio"]["rows"], found["model"]["rows"], plan["budget_usd"])
        people = gr.update(visible=False)
        if is_admin(request) and not studio.identity.solo:
            rows = studio.analytics({**body, "group_by": PER_PERSON}, owner=owner, everyone=True)["rows"]
            spend = [{"person": row[PER_PERSON], "spend_usd": row["spend_usd"]} for row in rows]  # the ledger's owners
            people = gr.update(value=pd.DataFrame(spend, columns=["person", "spend_usd"]), visible=True)
        return [budget_line(plan, found["day"]["totals"]), shown["day"], shown["budget"], shown["studio"],
                shown["model"], shown["versus"], shown["times"], shown["success"], people,
                table(found["model"]["rows"])]

    def on_csv(a, b, whose, request: gr.Request):
        owner = owner_of(request)
        try:
            out = studio.analytics_csv(range_of(a, b), owner=owner, everyone=whose == EVERYONE and is_admin(request))
        except Exception as exc:
            return gr.update(visible=False), f"**Could not export:** {said(exc)}"
        return gr.update(value=served(out["path"], owner), visible=True), f"Exported {out['rows']} run(s)."

    def on_open(a, b, request: gr.Request):
        """The person scope for admins of a team; an empty range becomes this month so far."""
        return (gr.update(visible=is_admin(request) and not studio.identity.solo), (a or "").strip() or month_start(),
                (b or "").strip() or datetime.now(UTC).strftime("%Y-%m-%d"))

    outputs = [summary, per_day, to_budget, per_studio, per_model, versus, times, success, per_person, rows]
    show_btn.click(on_show, [since, until, scope], outputs, api_visibility="private")
    scope.input(on_show, [since, until, scope], outputs, api_visibility="private")
    csv_btn.click(on_csv, [since, until, scope], [csv_file, summary], api_visibility="private")
    tab.select(on_open, [since, until], [scope, since, until], api_visibility="private").then(on_show, [since, until, scope], outputs,
                                                                    api_visibility="private")


def _named(row: dict) -> str:
    """A model as people read it: its catalog name, else its id."""
    return row.get("model_name") or row["model"] or "unknown"

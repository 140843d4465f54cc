"""Team (admins only): accounts' plans and budgets, the team policy, and the audit log with CSV export.

The tab is shown only to admins, and every action checks again on the server (core/accounts/team.py).
"""

from __future__ import annotations

from datetime import datetime
from html import escape

import gradio as gr

from core.accounts.audit import ACTIONS
from core.money.plans import load_plans
from core.accounts.sharing import ANONYMOUS
from core.studio import Studio
from studios.files import served
from studios.session import is_admin, owner_of
from studios.labels import ago_dated, said, short_title
from studios.widgets import fixed_table, operation_words, usd

ACCOUNT_COLUMNS = (("Name", 20), ("Plan", 14), ("Monthly budget", 16), ("Spent this month", 16), ("Admin", 9),
                   ("Disabled", 10), ("Signs in with", 15))
PLAN_BUDGET = "the plan's"
SIGN_IN = {"password": "password", "hf": "Hugging Face", "local": "this computer"}
NO_ACCOUNTS = ("No accounts yet. Without sign-in (solo mode) the person at this computer uses the studio alone; "
               "to give each person an account, host it for a team (README: Host it for your team).")
AUDIT_COLUMNS = (("When", 20), ("Who", 16), ("What", 16), ("On what", 48))  # % of the table's width
SHARE_LINK_WORDS = "Someone with a share link"
DEFAULT_PLAN = "(the installation's plan)"


def accounts_html(people: list[dict]) -> str:
    """Every account in words: plan, budget (or the plan's), this month's spend, flags, how it signs in."""
    if not people:
        return f"<div class='vs-jobs vs-note'>{escape(NO_ACCOUNTS)}</div>"
    rows = "".join(
        f"<tr><td><b>{escape(p['name'])}</b></td><td>{escape(str(p['plan']))}</td>"
        f"<td>{PLAN_BUDGET if p['budget_usd'] is None else usd(p['budget_usd'])}</td>"
        f"<td>{usd(p['month_spend_usd'])}</td><td>{'yes' if p['admin'] else ''}</td>"
        f"<td>{'yes' if p['disabled'] else ''}</td><td>{escape(SIGN_IN.get(p['source'], str(p['source'])))}</td></tr>"
        for p in people)
    return fixed_table(ACCOUNT_COLUMNS, rows)


def _fold(event: dict) -> str:
    """The ids and the event's own facts, for support: kept in the row's Details fold."""
    facts = [f"{name} <code>{escape(str(event[key]))}</code>" for key, name in
             (("asset_id", "asset"), ("job_id", "job")) if event.get(key)]
    facts += [f"{escape(str(k).replace('_', ' '))}: {escape(str(v))}" for k, v in (event.get("detail") or {}).items()
              if v not in (None, "")]
    return f"<details class='vs-ids'><summary>Details</summary>{'; '.join(facts) or 'nothing more'}</details>"


def _subject(event: dict) -> str:
    """What the event was about, by name: the asset's title and the job's What (its title, else its kind),
    else the account; escaped HTML."""
    job, detail = event.get("job") or {}, event.get("detail") or {}
    what = (short_title(job["title"]) if job.get("title") else operation_words(job.get("operation"))) if job else ""
    if event.get("asset_title"):
        main = short_title(event["asset_title"])
    elif event.get("asset_id"):
        main = "an asset no longer in the library"
    else:
        main, what = what, ""
    if not main and detail.get("account"):
        main = f"account {detail['account']}"
    note = f"<div class='vs-note'>job: {escape(what)}</div>" if what and what != main else ""
    return f"<b>{escape(main)}</b>{note}"


def audit_html(events: list[dict], now: datetime | None = None) -> str:
    """The audit log in words: when ('5 min ago', the date for older rows), who, what and on what by
    name; ids and the event's facts in each row's Details fold (like the jobs table)."""
    if not events:
        return "<div class='vs-jobs vs-note'>No events match these filters.</div>"
    rows = "".join(
        f"<tr><td>{escape(ago_dated(e['at'], now))}</td>"
        f"<td>{escape(SHARE_LINK_WORDS if e['actor'] == ANONYMOUS else e['actor'])}</td>"
        f"<td>{escape(operation_words(e['action']))}</td>"
        f"<td>{_subject(e)}{_fold(e)}</td></tr>" for e in events)
    return fixed_table(AUDIT_COLUMNS, rows)


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Team tab inside `tab` (hidden until an admin opens the page)."""
    plans = [DEFAULT_PLAN, *load_plans()]
    with gr.Accordion("Accounts", open=True):
        accounts = gr.HTML(accounts_html([]), elem_id="vs-team-accounts")
        with gr.Row():
            name = gr.Dropdown([], label="Account", scale=2)
            plan = gr.Dropdown(plans, value=DEFAULT_PLAN, label="Plan", scale=2)
            budget = gr.Number(value=None, label="Monthly budget (USD; empty = the plan's)", scale=2,
                               placeholder="the plan's budget")  # without one an empty box reads 0
            admin = gr.Checkbox(label="Admin", scale=1)
            disabled = gr.Checkbox(label="Disabled", scale=1)
            save = gr.Button("Save account", variant="primary", scale=1)
        if studio.identity.mode == "password":
            with gr.Row():
                new_name = gr.Textbox(label="New account name", scale=2)
                new_password = gr.Textbox(label="Password (8+ characters)", type="password", scale=2)
                add = gr.Button("Add account", scale=1)
        account_note = gr.Markdown("")
    with gr.Accordion("Team policy", open=True):
        providers = gr.CheckboxGroup(sorted(studio.providers), label="Allowed providers (none ticked = all)")
        models = gr.Dropdown([(f"{m.name} [{m.provider}]", m.id) for m in studio.catalog], multiselect=True,
                             label="Allowed models (empty = all)")
        with gr.Row():
            threshold = gr.Number(value=None, label="Confirm runs above (USD; empty = the default)",
                                  placeholder="the default")
            features = gr.CheckboxGroup([(label, key) for key, label in studio.team.features().items()],
                                        label="Features turned on")
        save_policy = gr.Button("Save policy", variant="primary")
        policy_note = gr.Markdown("")
    with gr.Accordion("Audit log", open=True):
        with gr.Row():
            actor = gr.Dropdown([], value=None, label="Person (empty = everyone)", allow_custom_value=True)
            asset = gr.Textbox(label="Asset id (empty = all)")
            action = gr.Dropdown([("Any", "")] + [(operation_words(a), a) for a in ACTIONS], value="", label="Action")
            show = gr.Button("Show")
            export = gr.Button("Export CSV")
        log = gr.HTML(audit_html([]), elem_id="vs-audit-log")
        csv_file = gr.File(label="Audit log (CSV)", interactive=False, visible=False)

    def load(request: gr.Request):
        if not is_admin(request):
            return [gr.update(visible=False)] + [gr.update()] * 9
        owner = owner_of(request)
        people = studio.team.accounts(owner=owner)
        policy = studio.team.policy(owner=owner)
        on = [key for key in studio.team.features() if policy.features.get(key, True)]
        names = [p["name"] for p in people]
        return [gr.update(visible=True), accounts_html(people), gr.update(choices=names),
                gr.update(choices=names), policy.allowed_providers, policy.allowed_models,
                policy.confirm_above_usd, on, audit_html(studio.team.audit(owner=owner, limit=200)),
                None]  # an empty budget box: Gradio's first paint of an empty number is 0

    def pick(account_name, request: gr.Request):
        row = next((p for p in studio.team.accounts(owner=owner_of(request)) if p["name"] == account_name), None)
        if row is None:
            return gr.update(), gr.update(), gr.update(), gr.update()
        return row["own_plan"] or DEFAULT_PLAN, row["budget_usd"], row["admin"], row["disabled"]

    def on_save(account_name, plan_id, budget_usd, is_admin_, is_disabled, request: gr.Request):
        owner = owner_of(request)
        try:
            studio.team.update_account(account_name, owner=owner, plan=None if plan_id == DEFAULT_PLAN else plan_id,
                                       budget_usd=None if budget_usd in (None, "") else float(budget_usd),
                                       admin=bool(is_admin_), disabled=bool(is_disabled))
        except Exception as exc:
            return gr.update(), f"**Not saved:** {said(exc)}"
        return accounts_html(studio.team.accounts(owner=owner)), f"Saved **{account_name}**."

    def on_policy(chosen_providers, chosen_models, confirm_usd, turned_on, request: gr.Request):
        try:
            studio.team.set_policy(owner=owner_of(request), allowed_providers=list(chosen_providers or []),
                                   allowed_models=list(chosen_models or []),
                                   confirm_above_usd=None if confirm_usd in (None, "") else float(confirm_usd),
                                   features={key: key in (turned_on or []) for key in studio.team.features()})
        except Exception as exc:
            return f"**Not saved:** {said(exc)}"
        return "Policy saved; it applies to the next estimate and run."

    def on_show(who, asset_id, what, request: gr.Request):
        events = studio.team.audit(owner=owner_of(request), actor=who, asset_id=(asset_id or "").strip(),
                                   action=what)
        return audit_html(events)

    def on_export(who, asset_id, what, request: gr.Request):
        owner = owner_of(request)
        text = studio.team.audit_csv(owner=owner, actor=who, asset_id=(asset_id or "").strip(), action=what)
        folder = studio.store.scratch("-audit")
        folder.mkdir()
        path = folder / "audit-log.csv"
        path.write_text(text, encoding="utf-8")
        return gr.update(value=served(path, owner), visible=True)

    gr.on([gr.context.Context.root_block.load], load, None,
          [tab, accounts, name, actor, providers, models, threshold, features, log, budget], api_visibility="private")
    def refresh(who, asset_id, what, request: gr.Request):
        """Opening the tab shows this month's spend and the latest events, not those of the page load."""
        if not is_admin(request):
            return gr.update(), gr.update()
        return accounts_html(studio.team.accounts(owner=owner_of(request))), on_show(who, asset_id, what, request)

    tab.select(refresh, [actor, asset, action], [accounts, log], api_visibility="private")
    name.change(pick, name, [plan, budget, admin, disabled], api_visibility="private")
    save.click(on_save, [name, plan, budget, admin, disabled], [accounts, account_note], api_visibility="private")
    if studio.identity.mode == "password":
        def on_add(new, password, request: gr.Request):
            owner = owner_of(request)
            try:
                studio.team.add_account(new, password or "", owner=owner)
            except Exception as exc:
                return gr.update(), f"**Not added:** {said(exc)}", gr.update()
            names = [p["name"] for p in studio.team.accounts(owner=owner)]
            return accounts_html(studio.team.accounts(owner=owner)), f"Added **{new}**.", \
                gr.update(choices=names)

        add.click(on_add, [new_name, new_password], [accounts, account_note, name], api_visibility="private")
    save_policy.click(on_policy, [providers, models, threshold, features], policy_note, api_visibility="private")
    show.click(on_show, [actor, asset, action], log, api_visibility="private")
    export.click(on_export, [actor, asset, action], csv_file, api_visibility="private")

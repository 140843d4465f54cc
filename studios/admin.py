"""Team (admins only): accounts' plans and budgets, the team policy, and the audit log with CSV export.

The tab is shown only to admins, and every action checks again on the server (core/accounts/team.py).
"""

from __future__ import annotations

import json

import gradio as gr

from core.accounts.audit import ACTIONS
from core.money.plans import load_plans
from core.studio import Studio
from studios.files import served
from studios.session import is_admin, owner_of
from studios.labels import said

ACCOUNT_COLUMNS = ["name", "plan", "budget_usd", "month_spend_usd", "admin", "disabled", "source"]
AUDIT_COLUMNS = ["at", "actor", "action", "asset_id", "job_id", "detail"]
DEFAULT_PLAN = "(the installation's plan)"


def _cell(value) -> str:
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value)


def _rows(items: list[dict], columns: list[str]) -> list[list]:
    return [[_cell(item.get(c)) for c in columns] for item in items]


def build(studio: Studio, tab: gr.Tab) -> None:
    """Lay out the Team tab inside `tab` (hidden until an admin opens the page)."""
    plans = [DEFAULT_PLAN, *load_plans()]
    with gr.Accordion("Accounts", open=True):
        accounts = gr.Dataframe(headers=ACCOUNT_COLUMNS, interactive=False, wrap=True)
        with gr.Row():
            name = gr.Dropdown([], label="Account", scale=2)
            plan = gr.Dropdown(plans, value=DEFAULT_PLAN, label="Plan", scale=2)
            budget = gr.Number(value=None, label="Monthly budget (USD; empty = the plan's)", scale=2)
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
            threshold = gr.Number(value=None, label="Confirm runs above (USD; empty = the default)")
            features = gr.CheckboxGroup([(label, key) for key, label in studio.team.features().items()],
                                        label="Features turned on")
        save_policy = gr.Button("Save policy", variant="primary")
        policy_note = gr.Markdown("")
    with gr.Accordion("Audit log", open=True):
        with gr.Row():
            actor = gr.Dropdown([], value=None, label="Person (empty = everyone)", allow_custom_value=True)
            asset = gr.Textbox(label="Asset id (empty = all)")
            action = gr.Dropdown([""] + list(ACTIONS), value="", label="Action")
            show = gr.Button("Show")
            export = gr.Button("Export CSV")
        log = gr.Dataframe(headers=AUDIT_COLUMNS, interactive=False, wrap=True)
        csv_file = gr.File(label="Audit log (CSV)", interactive=False, visible=False)

    def load(request: gr.Request):
        if not is_admin(request):
            return [gr.update(visible=False)] + [gr.update()] * 8
        owner = owner_of(request)
        people = studio.team.accounts(owner=owner)
        policy = studio.team.policy(owner=owner)
        on = [key for key in studio.team.features() if policy.features.get(key, True)]
        names = [p["name"] for p in people]
        return [gr.update(visible=True), _rows(people, ACCOUNT_COLUMNS), gr.update(choices=names),
                gr.update(choices=names), policy.allowed_providers, policy.allowed_models,
                policy.confirm_above_usd, on, _rows(studio.team.audit(owner=owner, limit=200), AUDIT_COLUMNS)]

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
        return _rows(studio.team.accounts(owner=owner), ACCOUNT_COLUMNS), f"Saved **{account_name}**."

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
        return _rows(events, AUDIT_COLUMNS)

    def on_export(who, asset_id, what, request: gr.Request):
        owner = owner_of(request)
        text = studio.team.audit_csv(owner=owner, actor=who, asset_id=(asset_id or "").strip(), action=what)
        folder = studio.store.scratch("-audit")
        folder.mkdir()
        path = folder / "audit-log.csv"
        path.write_text(text, encoding="utf-8")
        return gr.update(value=served(path, owner), visible=True)

    gr.on([gr.context.Context.root_block.load], load, None,
          [tab, accounts, name, actor, providers, models, threshold, features, log], api_visibility="private")
    def refresh(who, asset_id, what, request: gr.Request):
        """Opening the tab shows this month's spend and the latest events, not those of the page load."""
        if not is_admin(request):
            return gr.update(), gr.update()
        return _rows(studio.team.accounts(owner=owner_of(request)), ACCOUNT_COLUMNS), on_show(who, asset_id, what,
                                                                                               request)

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
            return _rows(studio.team.accounts(owner=owner), ACCOUNT_COLUMNS), f"Added **{new}**.", \
                gr.update(choices=names)

        add.click(on_add, [new_name, new_password], [accounts, account_note, name], api_visibility="private")
    save_policy.click(on_policy, [providers, models, threshold, features], policy_note, api_visibility="private")
    show.click(on_show, [actor, asset, action], log, api_visibility="private")
    export.click(on_export, [actor, asset, action], csv_file, api_visibility="private")

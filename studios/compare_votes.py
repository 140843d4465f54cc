"""The Compare tab's blind pair view, leaderboard and exports (inner tabs over the current group)."""

from __future__ import annotations

import gradio as gr

from core.studio import Studio
from studios.files import served
from studios.session import owner_of
from studios.compare_view import leaderboard_table, reveal
from studios.labels import said

OPERATIONS = {"Text to video": "text-to-video", "Image to video": "image-to-video", "Avatar (photo + voice)": "avatar"}
POOLS = {"All": None, "With sound": True, "Silent": False}
CRITERIA = {"Follows the prompt": "follows_prompt", "Motion": "motion", "Visual quality": "visual_quality",
            "Sound": "sound"}
SIDES = {"skip": None, "A": "a", "B": "b", "Tie": "tie", "Both bad": "both_bad"}
WINNERS = {"A is better": "a", "B is better": "b", "Tie": "tie", "Both are bad": "both_bad"}
START = "<div class='vs-note'>Run or open a compare first.</div>"


def build(studio: Studio, group: gr.State) -> None:
    """Blind vote, Leaderboard and Export tabs, inside the Compare tab's gr.Tabs."""
    service = studio.compare
    with gr.Tab("Blind vote", id="compare-vote") as vote_tab:
        pair = gr.State(None)  # inside a tab: a component directly under gr.Tabs would count as a tab
        pair_note = gr.HTML(START)
        with gr.Row(elem_classes="vs-sync", elem_id="vs-compare-pair"):
            left = gr.Video(label="A", interactive=False, height=300)
            right = gr.Video(label="B", interactive=False, height=300)
        with gr.Row():
            buttons = [gr.Button(text, variant="secondary", interactive=False) for text in WINNERS]
        with gr.Accordion("Also vote per criterion (optional, sent with your vote)", open=False):
            with gr.Row():
                criteria = [gr.Radio(list(SIDES), value="skip", label=name) for name in CRITERIA]
        revealed = gr.HTML("")
        next_pair = gr.Button("Next pair", size="sm")
    with gr.Tab("Leaderboard", id="compare-board") as board_tab:
        with gr.Row():
            board_op = gr.Radio(list(OPERATIONS), value="Text to video", label="Operation")
            board_sound = gr.Radio(list(POOLS), value="All", label="Sound")
            board_criterion = gr.Dropdown([("Overall", "")] + list(CRITERIA.items()), value="", label="Criterion")
            board_blind = gr.Checkbox(False, label="Blind votes only")
            board_go = gr.Button("Refresh", size="sm")
        board = gr.HTML("")
    with gr.Tab("Export", id="compare-export"):
        with gr.Row():
            what = gr.Radio(["votes", "prompts", "results"], value="votes", label="What")
            fmt = gr.Radio(["csv", "jsonl"], value="csv", label="Format")
            export_go = gr.Button("Export", size="sm")
        export_file = gr.File(label="Download", interactive=False)

    def on_pair(group_id, request: gr.Request):
        off = [gr.update(interactive=False)] * len(WINNERS)
        if not group_id:
            return (None, START, None, None, "", *off)
        owner = owner_of(request)
        view = service.result({"group_id": group_id}, owner=owner)
        nxt = view["next_pair"]
        if nxt is None:
            note = "Every pair has a vote." if view["pairs"] else "Waiting for two finished outputs."
            return None, f"<div class='vs-note'>{note}</div>", None, None, "", *off
        rows = {r["asset_id"]: r for r in view["per_model"]}
        left_n = sum(1 for p in view["pairs"] if not p["voted"])
        kind = "Blind: the names show after your vote." if view["blind"] else (
            "This compare shows names: votes here are recorded as named votes.")
        note = f"<div class='vs-note'>{left_n} pair(s) to vote on. Same prompt, same settings. {kind}</div>"
        on = [gr.update(interactive=True)] * len(WINNERS)
        return (nxt, note, gr.update(value=served(rows[nxt["a_asset_id"]]["file_path"], owner), label="A"),
                gr.update(value=served(rows[nxt["b_asset_id"]]["file_path"], owner), label="B"), "", *on)

    for event in (next_pair.click, group.change, vote_tab.select):
        event(on_pair, group, [pair, pair_note, left, right, revealed, *buttons], api_visibility="private")

    def on_vote(winner):
        def handler(group_id, current, prompt_mark, motion_mark, quality_mark, sound_mark, request: gr.Request):
            unchanged = [gr.update()] * (len(WINNERS) + len(CRITERIA) + 3)
            if not (group_id and current):
                return "", *unchanged
            marks = (prompt_mark, motion_mark, quality_mark, sound_mark)
            extra = {c: SIDES[m] for c, m in zip(CRITERIA.values(), marks) if SIDES.get(m)}
            owner = owner_of(request)
            try:
                vote = service.vote({"group_id": group_id, "a_asset_id": current["a_asset_id"],
                                     "b_asset_id": current["b_asset_id"], "winner": winner, "criteria": extra},
                                    owner=owner)
            except Exception as exc:  # a StudioError message is written for people
                return f"<div class='vs-issue'>{said(exc)}</div>", *unchanged
            view = service.result({"group_id": group_id}, owner=owner)
            rows = {r["asset_id"]: r for r in view["per_model"]}
            left_n = sum(1 for p in view["pairs"] if not p["voted"])
            note = (f"<div class='vs-note'>Vote recorded. {left_n} pair(s) left: press Next pair.</div>" if left_n
                    else "<div class='vs-note'>Vote recorded. Every pair has a vote.</div>")
            return (reveal(vote, rows), *[gr.update(interactive=False)] * len(WINNERS),
                    *[gr.update(value="skip")] * len(CRITERIA), note,
                    gr.update(label=f"A: {vote['a']['model_name']}"), gr.update(label=f"B: {vote['b']['model_name']}"))
        return handler

    for button, winner in zip(buttons, WINNERS.values()):
        button.click(on_vote(winner), [group, pair, *criteria], [revealed, *buttons, *criteria, pair_note, left, right],
                     api_visibility="private")

    def on_board(op_name, pool, criterion, blind_only):
        return leaderboard_table(service.leaderboard({"operation": OPERATIONS[op_name], "audio": POOLS[pool],
                                                      "criterion": criterion or None, "blind_only": blind_only}))

    for event in (board_go.click, board_op.change, board_sound.change, board_criterion.change, board_blind.change,
                  board_tab.select):
        event(on_board, [board_op, board_sound, board_criterion, board_blind], board, api_visibility="private")

    def on_export(kind, form_name, request: gr.Request):
        owner = owner_of(request)
        return served(service.export({"what": kind, "format": form_name}, owner=owner)["file_path"], owner)

    export_go.click(on_export, [what, fmt], export_file, api_visibility="private")

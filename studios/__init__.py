"""Gradio tabs, one module per studio. Each calls one core facade method per user action."""

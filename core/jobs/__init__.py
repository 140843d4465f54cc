"""Persisted jobs run by the core's own workers (never Gradio request threads)."""

"""HTTP beside the Gradio app: the server assembly, the file guard, share links and the REST API."""

"""Video Studio core: rules, jobs, library and media operations. Never imports gradio."""

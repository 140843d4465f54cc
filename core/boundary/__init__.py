"""The trust boundary: every request from a client (tab, gradio_client, REST) is parsed here.

Models are strict pydantic (real booleans, finite numbers, known enum values, unknown fields
refused); `parse` turns a failure into one `InvalidInput` naming the field and what to send.
Media are named by asset id (or an https link where allowed), never by a server path.
"""

from core.boundary.parse import parse, parse_value

__all__ = ["parse", "parse_value"]

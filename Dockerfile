# Video Studio for a team on port 7860 (Hugging Face Docker Spaces use this port too).
# It listens on 0.0.0.0 only with accounts on: password mode by default here (make accounts with
# `docker exec -i CONTAINER python app.py users add NAME --admin`), hf on a Space.
FROM python:3.11-slim

RUN useradd --create-home --uid 1000 user && mkdir -p /data && chown user /data
USER user
ENV HOME=/home/user \
    PATH=/home/user/.local/bin:$PATH \
    VIDEO_STUDIO_HOME=/data \
    VIDEO_STUDIO_AUTH=password \
    GRADIO_SERVER_NAME=0.0.0.0 \
    GRADIO_SERVER_PORT=7860 \
    GRADIO_ANALYTICS_ENABLED=False
WORKDIR /home/user/app

COPY --chown=user requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt
COPY --chown=user . .

# Runtime data (database, media, cache) lives in a volume, never in the image.
VOLUME ["/data"]
EXPOSE 7860
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7860/healthz', timeout=4)"
CMD ["python", "app.py"]

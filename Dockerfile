# Video Studio on port 7860 (Hugging Face Docker Spaces use this port too).
FROM python:3.11-slim

RUN useradd --create-home --uid 1000 user && mkdir -p /data/studio && chown -R user /data
USER user
ENV HOME=/home/user \
    PATH=/home/user/.local/bin:$PATH \
    VIDEO_STUDIO_HOME=/data/studio \
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
CMD ["python", "app.py"]

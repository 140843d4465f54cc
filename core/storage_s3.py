"""Media in an S3-compatible bucket (AWS, R2, a Hugging Face storage bucket, moto in tests).

Files are made and probed locally under `media_dir`, then uploaded to the same relative key
under the URL's prefix and the local copy is removed, so no process keeps media it made. A file
read as an input is downloaded once to its local path (a per-process cache: stored files never
change). Clients get presigned GET URLs. Endpoint, region and keys come from the usual AWS
settings (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse
from uuid import uuid4

from core.errors import InvalidInput
from core.storage import MediaStore

PRESIGN_S = 6 * 3600


class S3MediaStore(MediaStore):
    remote = True

    def __init__(self, media_dir: Path, work_dir: Path, url: str) -> None:
        super().__init__(media_dir, work_dir)
        parsed = urlparse(url)
        if parsed.scheme != "s3" or not parsed.netloc:
            raise InvalidInput(f"VIDEO_STUDIO_MEDIA_URL {url!r} is not an s3://bucket/prefix URL.",
                               "Set it to s3://BUCKET or s3://BUCKET/PREFIX, or leave it unset.")
        self.bucket, self.prefix = parsed.netloc, parsed.path.strip("/")
        self.client = _client()

    def relative(self, path: str | Path) -> str | None:
        """A stored file's place below the media folder, the object's key under the prefix. Each
        process may have its own home, so a path another process recorded is read from below
        the last folder named like ours (`media`); None for a path that is not a stored file."""
        path = Path(path)
        try:
            return path.resolve().relative_to(self.media_dir.resolve()).as_posix()
        except ValueError:
            pass
        folders = path.parts[:-1]
        if not path.is_absolute() or self.media_dir.name not in folders:
            return None
        last = len(folders) - 1 - folders[::-1].index(self.media_dir.name)
        return Path(*path.parts[last + 1:]).as_posix()

    def contains(self, path: Path) -> bool:
        return self.relative(path) is not None

    def key(self, path: str | Path) -> str:
        relative = self.relative(path)
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def publish(self, path: str | Path) -> None:
        path = Path(path)
        self.client.upload_file(str(path), self.bucket, self.key(path))
        path.unlink(missing_ok=True)

    def local(self, path: str | Path) -> Path:
        path = Path(path)
        if path.exists() or not self.contains(path):
            return path
        path = self.media_dir / self.relative(path)  # this process's copy (another's home may be elsewhere)
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{uuid4().hex}{path.suffix}.part")
        try:
            self.client.download_file(self.bucket, self.key(path), str(staging))
            os.replace(staging, path)
        finally:
            staging.unlink(missing_ok=True)
        return path

    def location(self, path: str | None) -> str | None:
        if not path or not self.contains(Path(path)):
            return path
        return self.client.generate_presigned_url("get_object", Params={"Bucket": self.bucket,
                                                                        "Key": self.key(path)}, ExpiresIn=PRESIGN_S)

    def remove(self, path: str | Path) -> None:
        if self.contains(Path(path)):
            self.client.delete_object(Bucket=self.bucket, Key=self.key(path))


def _client():
    import boto3
    from botocore.config import Config

    # Path-style addressing and checksums only when required: what moto, MinIO-likes and the
    # Hugging Face S3 gateway (which cannot read trailing CRC32 checksums) all accept.
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                    request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return boto3.client("s3", config=config)

"""Private file storage for qualification documents and evidence: outside MEDIA_ROOT, never
served by the web server or /media/; only views that check the reader hand the files out."""

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    return storages["private"]

"""The signed consent form: accepted only as a PDF, PNG or JPEG that actually opens.

The first bytes alone prove nothing (five bytes `%PDF-` are no form), so the file is parsed: a PDF must
open with at least one page, an image must decode. Parsing runs on the bytes in memory only.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from app.domain.documents import recognised_media_type
from app.domain.errors import InvalidValue

_IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
DEFAULT_MAX_BYTES = 512 * 1024  # base64 in a JSON body of at most 1 MB
MAX_IMAGE_PIXELS = 40_000_000  # a scanned A4 page at 600 dpi is about 35 million pixels


def check_evidence_file(content: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """(media type, SHA-256 hex) of an acceptable form; InvalidValue otherwise."""
    if not content:
        raise InvalidValue("Das unterschriebene Formular fehlt.", "evidence.file")
    if len(content) > max_bytes:
        raise InvalidValue(f"Das Formular ist zu gross (höchstens {max_bytes // 1024} KiB).", "evidence.file")
    media_type = recognised_media_type(content)
    if media_type is None:
        raise InvalidValue("Das Formular muss ein PDF, PNG oder JPEG sein.", "evidence.file")
    opens = _pdf_opens(content) if media_type == "application/pdf" else _image_opens(content, media_type)
    if not opens:
        raise InvalidValue(
            "Das Formular lässt sich nicht öffnen (beschädigt oder kein echtes PDF, PNG oder JPEG).",
            "evidence.file",
        )
    return media_type, hashlib.sha256(content).hexdigest()


def _pdf_opens(content: bytes) -> bool:
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=True)
            if reader.is_encrypted or len(reader.pages) < 1:
                return False
            reader.pages[0].mediabox  # noqa: B018 - resolving the first page proves the page tree
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return False
    return True


def _image_opens(content: bytes, media_type: str) -> bool:
    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != _IMAGE_FORMATS[media_type]:
                return False
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return False
            image.load()  # decodes every pixel: a truncated or forged file fails here
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    return True

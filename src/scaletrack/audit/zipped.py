"""A bundle that travels as a zip of its folder (downloaded from the server or the pages).

Unpacked into a folder of the caller's before it is verified, refusing names that would
leave that folder and archives larger than :data:`MAX_BUNDLE_BYTES` once unpacked.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

from scaletrack.domain.errors import InvalidInput

MAX_BUNDLE_BYTES = 512 * 1024 * 1024
"""The largest bundle, unpacked, that is verified from a zip."""


def unpack_bundle(data: bytes, folder: Path) -> Path:
    """A zip's files into the folder; returns the bundle folder inside it (the zip's own
    top folder when every file sits in one)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidInput("the upload is not a zip of a bundle folder", field="bundle",
                           hint="zip the folder export wrote (or download it from export)"
                           ) from None
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_BUNDLE_BYTES:
            raise InvalidInput("the bundle is too large once unpacked", field="bundle")
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                raise InvalidInput(f"the zip names a file outside the bundle: {name}",
                                   field="bundle")
        for member in members:
            if not member.is_dir():
                archive.extract(member, folder)
    inner = list(folder.iterdir())
    if len(inner) == 1 and inner[0].is_dir() and (inner[0] / "manifest.json").exists():
        return inner[0]
    return folder

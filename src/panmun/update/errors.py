"""The errors of an update: no network, another update running, a damaged release."""

from __future__ import annotations

from panmun.errors import PanmunError, StoreError, ValidationError

#: What to do without a network, named by every message that reports one.
OFFLINE_HINT = ("Without a network: --mirror URL reads an internal mirror that holds the sources' files; "
                "--from-dir DIR reads files carried in with their index files; --plan FILE (on a connected "
                "machine, or with --from-dir holding only the index files) writes the files and checksums a "
                "mirror needs. See docs/update.md.")


class OfflineError(PanmunError):
    """A source's address cannot be reached at all (no network, no route, no such host)."""

    exit_code = 1
    hint = OFFLINE_HINT


class UpdateBusyError(StoreError):
    """Another update of the same store is running."""

    exit_code = 3


class PackageError(ValidationError):
    """A knowledge-base release (data package) is damaged, tampered with or invalid."""

    subject = "the data package"
    hint = ("Nothing was loaded. Fetch the release again from its publisher, or check it with "
            "`frictionless validate datapackage.json`; a digest that does not match means the files "
            "are not those the publisher released.")

"""Keeping the store current: the public event feeds and knowledge-base releases.

``panmun update`` reads each source's index (:mod:`.gdelt`, :mod:`.dataverse`, :mod:`.acled`,
:mod:`.cns`), works out which published files are new since the source's last successful
update (:mod:`.records`, in the store), downloads them with resume into a size-limited cache
(:mod:`.download`, :mod:`.cache`), verifies each against its published checksum or size, and
ingests it through :func:`panmun.ingest.engine.ingest_file` (:mod:`.run`). The same files may
come from an organisation's mirror or a folder (removable media) instead of the network
(:mod:`.access`). :mod:`.status` says, per source, when it was last updated, the date its
record runs to and its last error; :mod:`.release` loads a newer knowledge-base release
(the data package ``panmun kb package`` writes). See docs/update.md.

Nothing here is imported by ``panmun`` at start-up: the command line loads these modules
when an update command runs.
"""

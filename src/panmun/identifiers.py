"""The identifiers panmun reads, one pattern each (compiled; ``.pattern`` for a web query).

- :data:`SLUG`: an id of the knowledge base (agreements, events, issues, steps, measures):
  lower-case words joined by single hyphens, e.g. ``cma-2018``;
- :data:`FILE_NAME`: the name of a scenario, package or plan file: lower-case letters,
  digits and hyphens, not starting with a hyphen;
- :data:`STORED_NAME`: a scenario stored through the workbench: a :data:`FILE_NAME` of at most
  60 characters;
- :data:`QUERY_SLUG`: a slug in a web query (an issue, an event type or source): at most 64
  characters;
- :data:`ACTOR_CODE`: an actor of the knowledge base, e.g. ``PRK`` (2-5 capitals);
- :data:`EVENT_ACTOR`: an actor code of an ingested event (CAMEO and the like: 2-12 capitals
  or digits), wider than the knowledge base's;
- :data:`USER_NAME`: a workbench account (1-40 lower-case letters, digits, ``.``, ``_``, ``-``).
"""

from __future__ import annotations

import re

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
STORED_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
QUERY_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ACTOR_CODE = re.compile(r"^[A-Z]{2,5}$")
EVENT_ACTOR = re.compile(r"^[A-Z0-9]{2,12}$")
USER_NAME = re.compile(r"^[a-z0-9._-]{1,40}$")

__all__ = ["ACTOR_CODE", "EVENT_ACTOR", "FILE_NAME", "QUERY_SLUG", "SLUG", "STORED_NAME", "USER_NAME"]

"""Jobs endpoints: submit a long computation, follow its progress, fetch its result and files.

``POST /api/jobs`` ``{kind, params}`` → 202 ``{id, kind, state}``; ``GET /api/jobs`` (the
caller's jobs, without results); ``GET /api/jobs/{id}`` (state, progress, result or error);
``GET /api/jobs/{id}/files/{name}`` (a finished briefing's ``briefing.html`` or
``briefing.pdf``, as a download). A job belongs to the signed-in user, or to
``anonymous@<client address>`` (the connection's peer, or the client a trusted proxy names:
:mod:`panmun.web.guard`); anyone else gets 404. The work itself: :mod:`panmun.web.jobs`.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import Field

from panmun.store.db import Store
from panmun.web.checks import Body
from panmun.web.deps import CSRF_HEADER, client_address, current_user, store
from panmun.web.errors import ApiError
from panmun.web.jobs import JobManager

router = APIRouter(tags=["jobs"])


class JobRequest(Body):
    """A job to run: ``kind`` ensemble, roadmap or briefing, and its parameters (other fields
    are refused; the parameters are checked by :func:`panmun.web.jobs.check_params`)."""

    kind: str = Field(max_length=20, description="ensemble | roadmap | briefing")
    params: dict[str, Any] = Field(default_factory=dict, description=(
        "ensemble: {scenario, runs, horizon?, seed?}; roadmap: {objective?, horizon?, alternatives?, start?, "
        "time_limit?}; briefing: {at?, lang?: en | ko}"))


def owner(request: Request, user=Depends(current_user)) -> str:
    """Who owns the jobs of this request: the user's name or ``anonymous@<client address>``."""
    if user is not None:
        return user.name
    return f"anonymous@{client_address(request)}"


def _manager(request: Request) -> JobManager:
    return request.app.state.jobs


def _check_csrf(request: Request) -> None:
    """A cookie-authenticated submission must carry the session's CSRF token."""
    if getattr(request.state, "auth", None) == "cookie":
        sent, expected = request.headers.get(CSRF_HEADER) or "", request.state.csrf or ""
        if not sent or not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
            raise ApiError(403, "missing or wrong CSRF token", "csrf",
                           hint=f"Send the token from GET /api/session in the {CSRF_HEADER} header.")


@router.post("/jobs", status_code=202)
def submit_job(body: JobRequest, request: Request, who: str = Depends(owner), db: Store = Depends(store)):
    """Queue a job; 429 when the caller already has the maximum of jobs queued or running."""
    _check_csrf(request)
    job = _manager(request).submit(body.kind, who, body.params, db)
    return {"id": job.id, "kind": job.kind, "state": job.state}


@router.get("/jobs")
def list_jobs(request: Request, who: str = Depends(owner)):
    """The caller's jobs, newest first (state and progress; results via ``GET /api/jobs/{id}``)."""
    out = []
    for job in _manager(request).owned(who):
        record = job.record()
        record.pop("result", None)
        out.append(record)
    return out


@router.get("/jobs/{job_id}")
def get_job(job_id: str, request: Request, who: str = Depends(owner)):
    """One job: state, progress (0-1), and its result (done) or error message (failed)."""
    return _manager(request).get(job_id, who).record()


@router.get("/jobs/{job_id}/files/{name}")
def get_job_file(job_id: str, name: str, request: Request, who: str = Depends(owner)):
    """A finished briefing's file: ``briefing.html`` or ``briefing.pdf`` only."""
    path, media = _manager(request).file(job_id, who, name)
    return FileResponse(path, media_type=media, filename=name)

"""Liveness and readiness, for a load balancer or an orchestrator: no token, no database, no PHI."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import RuntimeDep
from ..schemas import Health

router = APIRouter(tags=["service"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up and answering (the model may still be loading)."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    """200 once this worker has loaded the spaCy model and opened the database; 503 before (or when the
    model could not be loaded, with why)."""
    if runtime.models is not None and runtime.sessions is not None:
        return JSONResponse(Health(status="ok").model_dump())
    if runtime.load_error:
        return JSONResponse(Health(status="unavailable", detail=runtime.load_error).model_dump(), status_code=503)
    return JSONResponse(Health(status="loading").model_dump(), status_code=503, headers={"Retry-After": "2"})

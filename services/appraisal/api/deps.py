"""Dependencies the appraisal routes share: who may call, and the service's settings."""

from typing import Annotated

from fastapi import Depends, Request

from services.appraisal.service.common import READ_ALL, RUN
from services.appraisal.settings import AppraisalSettings
from shared.auth import Principal, Role, require_roles


async def get_settings(request: Request) -> AppraisalSettings:
    """The settings the app was built with."""
    settings: AppraisalSettings = request.app.state.settings
    return settings


Settings = Annotated[AppraisalSettings, Depends(get_settings)]
Runner = Annotated[Principal, Depends(require_roles(*RUN))]
Reader = Annotated[Principal, Depends(require_roles(*READ_ALL))]
Participant = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.CM))]
Evaluator = Annotated[Principal, Depends(require_roles(Role.CM, Role.SUPERVISOR, Role.INTEGRATION))]
Channel = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.INTEGRATION))]
TeamLead = Annotated[Principal, Depends(require_roles(Role.CM))]
Payroll = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN))]

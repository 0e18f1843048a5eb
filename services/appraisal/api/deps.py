"""Dependencies the appraisal routes share: who may call, and the service's settings."""

from typing import Annotated

from fastapi import Depends

from services.appraisal.service.common import READ_ALL, RUN
from services.appraisal.settings import AppraisalSettings
from shared.app import settings_of
from shared.auth import Principal, Role, require_roles

Settings = Annotated[AppraisalSettings, Depends(settings_of(AppraisalSettings))]
Runner = Annotated[Principal, Depends(require_roles(*RUN))]
Reader = Annotated[Principal, Depends(require_roles(*READ_ALL))]
Participant = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.CM))]
Evaluator = Annotated[Principal, Depends(require_roles(Role.CM, Role.SUPERVISOR, Role.INTEGRATION))]
Channel = Annotated[Principal, Depends(require_roles(*READ_ALL, Role.INTEGRATION))]
TeamLead = Annotated[Principal, Depends(require_roles(Role.CM))]
Payroll = Annotated[Principal, Depends(require_roles(Role.HR, Role.ADMIN))]

"""The lint rules and their explanations, as `noteassist rules` and `noteassist rule CODE` print them: the
editor shows a finding's explanation from here."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import CurrentUser, SettingsDep
from ..schemas import RuleOut

router = APIRouter(tags=["drafting and linting"])


@router.get("/rules", response_model=list[RuleOut])
async def list_rules(user: CurrentUser, settings: SettingsDep) -> list[RuleOut]:
    """Every rule with its explanation, a bad and a good example, and its state under the server's configuration."""
    from ...lint import all_rules

    config = settings.lint
    return [RuleOut(code=code, name=rule.name, category=rule.category, severity=config.severity_for(rule),
                    enabled=config.is_enabled(rule), summary=rule.summary, explanation=rule.explanation.strip(),
                    bad=rule.bad, good=rule.good, source=rule.source or "")
            for code, rule in all_rules().items()]

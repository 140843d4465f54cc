"""Team policy an admin sets: allowed providers and models, the confirmation threshold, and the
switches for sensitive features. Other features ask `policy.allows("face-swap")`."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.accounts.models import PolicySetting
from core.capability import Issue
from core.catalog import Catalog
from core.db import Database
from core.errors import InvalidInput
from core.library.models import utcnow

# Feature switch -> what people see. Operations that belong to a switch are listed in OPERATION_FEATURE.
FEATURES = {"face-swap": "Face swap", "voice-cloning": "Voice cloning", "translation": "Translation"}
OPERATION_FEATURE = {"face-swap": "face-swap", "character-swap": "face-swap", "translate": "translation"}
_KEY = "team"
# Operations that use a real person's face or voice: they run only with the creator's consent statement,
# which is recorded with the job and in the audit log (and a team can switch them off above).
CONSENT_STATEMENT = "I have the right to use this person's face / voice."
CONSENT_OPERATIONS = {"face-swap": "Face swap", "character-swap": "Character swap", "translate": "Translating and dubbing"}


def consent_issue(operation: str, consent: bool | None) -> Issue | None:
    """Why `operation` may not run without consent; None when it needs none or it was given."""
    what = CONSENT_OPERATIONS.get(str(operation))
    if what is None or consent is True:
        return None
    return Issue(field="consent", message=f"{what} uses a real person's face or voice. Tick the statement "
                 f"\"{CONSENT_STATEMENT}\" (send \"consent\": true) to run it.", allowed=["true"])


class Policy(BaseModel):
    """The whole policy. Empty allow-lists mean "everything in the catalog"."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    allowed_providers: list[str] = []
    allowed_models: list[str] = []
    confirm_above_usd: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    features: dict[str, bool] = {}

    def allows(self, feature: str) -> bool:
        if feature not in FEATURES:
            raise InvalidInput(f"Unknown feature '{feature}'.", f"Use one of: {', '.join(FEATURES)}.")
        return self.features.get(feature, True)

    def allows_operation(self, operation: str) -> bool:
        feature = OPERATION_FEATURE.get(str(operation))
        return feature is None or self.allows(feature)

    def allows_model(self, provider: str, model_id: str) -> bool:
        if self.allowed_providers and provider not in self.allowed_providers:
            return False
        return not self.allowed_models or model_id in self.allowed_models


class TeamPolicy:
    """The policy row in the database; read on every use, so a change applies at once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def current(self) -> Policy:
        with self.db.session() as s:
            row = s.get(PolicySetting, _KEY)
        return Policy.model_validate(row.value) if row else Policy()

    def allows(self, feature: str) -> bool:
        """Whether the team allows a feature switch ('face-swap', 'voice-cloning', 'translation')."""
        return self.current().allows(feature)

    def update(self, actor: str, **changes) -> Policy:
        """Validate and store changed fields; `features` entries are merged into the current ones."""
        current = self.current()
        data = current.model_dump()
        if "features" in changes:
            unknown = set(changes["features"] or {}) - set(FEATURES)
            if unknown:
                raise InvalidInput(f"Unknown feature(s): {', '.join(sorted(unknown))}.",
                                   f"Use: {', '.join(FEATURES)}.")
            changes = {**changes, "features": {**current.features, **changes["features"]}}
        data.update(changes)
        try:
            policy = Policy.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"])
            raise InvalidInput(f"The policy field '{field}' is not valid: {err['msg']}.") from exc
        with self.db.session() as s:
            row = s.get(PolicySetting, _KEY) or PolicySetting(key=_KEY)
            row.value, row.updated_by, row.updated_at = policy.model_dump(), actor, utcnow()
            s.add(row)
        return policy


def restrict(policy: Policy, operation: str, model: str | None, catalog: Catalog) -> tuple[Catalog, list[Issue]]:
    """The catalog this team may use for `operation`, and the issues when the request breaks the
    policy: (catalog, issues). Issues name the field and what is allowed."""
    issues: list[Issue] = []
    feature = OPERATION_FEATURE.get(str(operation))
    if feature and not policy.allows(feature):
        issues.append(Issue(field="operation", message=f"{FEATURES[feature]} is turned off by your team's "
                            "policy. Ask an admin to turn it on.", allowed=[]))
    if not (policy.allowed_providers or policy.allowed_models):
        return catalog, issues
    allowed = Catalog([m for m in catalog if policy.allows_model(m.provider, m.id)])
    usable = [m.id for m in allowed.models(operation=operation)]
    if model and model != "auto" and model in catalog and model not in allowed:
        issues.append(Issue(field="model", message=f"Your team's policy does not allow {catalog.get(model).name}. "
                            "Pick an allowed model, or ask an admin.", allowed=usable))
    elif not usable:
        issues.append(Issue(field="model", message=f"Your team's policy allows no model for {operation}. "
                            "Ask an admin.", allowed=[]))
    return allowed, issues

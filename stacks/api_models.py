"""Request body models for API Gateway, from the same limits the ledger checks."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw

from ledger.domain.plans import PLAN_NAMES
from ledger.validation import ID_PATTERN, MAX_NOTE, MAX_TOP_UP, MAX_USER_LIMIT

T = apigw.JsonSchemaType


def _object(required: list[str], **properties: apigw.JsonSchema) -> apigw.JsonSchema:
    return apigw.JsonSchema(
        schema=apigw.JsonSchemaVersion.DRAFT4,
        type=T.OBJECT,
        required=required,
        properties=properties,
    )


def _id(nullable: bool = False) -> apigw.JsonSchema:
    kind = [T.STRING, T.NULL] if nullable else T.STRING
    return apigw.JsonSchema(type=kind, pattern=ID_PATTERN)


def _whole(low: int, high: int, nullable: bool = False) -> apigw.JsonSchema:
    # Draft 4's integer refuses 5.0; the API takes it as 5 (JSON Schema 2020-12's integer).
    kind = [T.NUMBER, T.NULL] if nullable else T.NUMBER
    return apigw.JsonSchema(type=kind, multiple_of=1, minimum=low, maximum=high)


# Model name -> schema of the body of the route that names it.
SCHEMAS: dict[str, apigw.JsonSchema] = {
    "SetPlan": _object(["plan"], plan=apigw.JsonSchema(type=T.STRING, enum=list(PLAN_NAMES))),
    "SetUserLimit": _object(["limit"], limit=_whole(0, MAX_USER_LIMIT, nullable=True)),
    "ConsumeCredit": _object(["enquiry_id", "user_id"], enquiry_id=_id(), user_id=_id()),
    "TopUp": _object(
        ["credits"],
        credits=_whole(1, MAX_TOP_UP),
        top_up_id=_id(nullable=True),
        note=apigw.JsonSchema(type=[T.STRING, T.NULL], max_length=MAX_NOTE),
    ),
}


def add_models(api: apigw.RestApi) -> dict[str, apigw.Model]:
    return {
        name: api.add_model(name, content_type="application/json", model_name=name, schema=schema)
        for name, schema in SCHEMAS.items()
    }

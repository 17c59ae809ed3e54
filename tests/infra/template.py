"""Finding things in a synthesized CloudFormation template."""

from __future__ import annotations

import json
from typing import Any

Resource = dict[str, Any]


class Resources:
    def __init__(self, template: dict[str, Any]) -> None:
        self.all: dict[str, Resource] = template["Resources"]

    def of_type(self, kind: str) -> dict[str, Resource]:
        return {key: value for key, value in self.all.items() if value["Type"] == kind}

    def at(self, path: str) -> tuple[str, Resource]:
        """The resource whose construct path (without the stack) is path."""
        found = [
            (key, value)
            for key, value in self.all.items()
            if value.get("Metadata", {}).get("aws:cdk:path", "").split("/", 1)[-1] == path
        ]
        assert len(found) == 1, f"{path}: {[key for key, _ in found]}"
        return found[0]

    def id_at(self, path: str) -> str:
        return self.at(path)[0]

    def function(self, handler: str) -> tuple[str, Resource]:
        found = [
            (key, value)
            for key, value in self.of_type("AWS::Lambda::Function").items()
            if value["Properties"]["Handler"] == handler
        ]
        assert len(found) == 1, handler
        return found[0]

    def alias(self, handler: str) -> tuple[str, Resource]:
        """The `live` alias of the function with this handler."""
        function = self.function(handler)[0]
        found = [
            (key, value)
            for key, value in self.of_type("AWS::Lambda::Alias").items()
            if value["Properties"]["FunctionName"] == {"Ref": function}
        ]
        assert len(found) == 1, handler
        return found[0]

    def role_statements(self) -> dict[str, list[dict[str, Any]]]:
        """Every role's IAM statements (inline and attached policies), by role id."""
        found: dict[str, list[dict[str, Any]]] = {}
        for key, role in self.of_type("AWS::IAM::Role").items():
            inline = role["Properties"].get("Policies", [])
            found[key] = [s for p in inline for s in p["PolicyDocument"]["Statement"]]
        for policy in self.of_type("AWS::IAM::Policy").values():
            for role in policy["Properties"]["Roles"]:
                found[role["Ref"]] += policy["Properties"]["PolicyDocument"]["Statement"]
        return found

    def statements(self, handler: str) -> list[dict[str, Any]]:
        """Every IAM statement of the role of the function with this handler."""
        role = self.function(handler)[1]["Properties"]["Role"]["Fn::GetAtt"][0]
        assert not self.all[role]["Properties"].get("ManagedPolicyArns")
        statements = list(self.all[role]["Properties"].get("Policies", []))
        for policy in self.of_type("AWS::IAM::Policy").values():
            if {"Ref": role} in policy["Properties"]["Roles"]:
                statements += policy["Properties"]["PolicyDocument"]["Statement"]
        return statements


def actions(statement: dict[str, Any]) -> set[str]:
    found = statement["Action"]
    return {found} if isinstance(found, str) else set(found)


def referenced(value: Any) -> set[str]:
    """The logical ids a CloudFormation expression refers to."""
    if isinstance(value, dict):
        if "Ref" in value:  # AWS::Region and other pseudo parameters are not resources
            return set() if value["Ref"].startswith("AWS::") else {value["Ref"]}
        if "Fn::GetAtt" in value:
            return {value["Fn::GetAtt"][0]}
        return set().union(*(referenced(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(referenced(item) for item in value))
    return set()


def grants(statements: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Resource (a logical id, or "*") -> the actions allowed on it (and its sub-resources)."""
    allowed: dict[str, set[str]] = {}
    for statement in statements:
        assert statement["Effect"] == "Allow"
        targets = (
            statement["Resource"]
            if isinstance(statement["Resource"], list)
            else [statement["Resource"]]
        )
        for target in targets:
            named = target if isinstance(target, str) else json.dumps(target, sort_keys=True)
            for key in referenced(target) or {named}:
                allowed.setdefault(key, set()).update(actions(statement))
    return allowed

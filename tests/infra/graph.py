"""What a template's resources depend on, as CloudFormation orders them: a resource is created
after, and deleted before, everything it references (Ref, Fn::GetAtt, Fn::Sub) or names in
DependsOn."""

from __future__ import annotations

import re
from typing import Any

SUB_VARIABLE = re.compile(r"\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z0-9.]+)?\}")


def _sub_names(argument: Any) -> set[str]:
    text, local = (argument[0], argument[1]) if isinstance(argument, list) else (argument, {})
    names = {name for name in SUB_VARIABLE.findall(text) if name not in local}
    return names | references(local)


def references(value: Any) -> set[str]:
    """Every logical id or parameter name the value reads."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                found.add(item.split(".")[0] if isinstance(item, str) else item[0])
            elif key == "Fn::Sub":
                found |= _sub_names(item)
            else:
                found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def direct_dependencies(template: dict[str, Any], logical_id: str) -> set[str]:
    resources = template["Resources"]
    resource = resources[logical_id]
    depends_on = resource.get("DependsOn", [])
    named = {depends_on} if isinstance(depends_on, str) else set(depends_on)
    read = references({key: item for key, item in resource.items() if key != "DependsOn"})
    return (named | read) & set(resources)


def dependencies(template: dict[str, Any], logical_id: str) -> set[str]:
    """Everything the resource waits for on create (transitively); on delete, it goes first."""
    seen: set[str] = set()
    pending = [logical_id]
    while pending:
        for found in direct_dependencies(template, pending.pop()) - seen:
            seen.add(found)
            pending.append(found)
    return seen


def policies_granting(template: dict[str, Any], role: str) -> set[str]:
    """The policy resources that give the role permissions besides its own inline policies:
    AWS::IAM::Policy / ManagedPolicy resources naming it, and managed policies it attaches."""
    resources = template["Resources"]
    granting = {
        logical_id
        for logical_id, resource in resources.items()
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
        and {"Ref": role} in resource["Properties"].get("Roles", [])
    }
    attached = references(resources[role]["Properties"].get("ManagedPolicyArns", []))
    return granting | (attached & set(resources))

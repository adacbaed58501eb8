"""Writes bot/data/api-versions.json: the API group/versions and kinds each Kubernetes minor serves.

helm template runs without a cluster, so `.Capabilities.APIVersions.Has "x/v1"` is false for every
API beyond the built-in defaults, and charts pick old API versions (an APIService rendered as
apiregistration.k8s.io/v1beta1 for a 1.31 target). The renderer passes this table as
--api-versions for the target version. Source: the schemas shipped in the kubernetes-validate
package. Run: .venv/bin/python scripts/gen-api-versions.py
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

NOT_RESOURCES = {"DeleteOptions", "WatchEvent", "Status", "APIGroup", "APIGroupList", "APIResourceList", "APIVersions"}


def main() -> None:
    root = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    table: dict[str, dict[str, list[str]]] = {}
    for folder in sorted(p.name for p in root.iterdir() if p.name.endswith("-local")):
        minor = folder[1:].rsplit(".", 1)[0].split("-")[0]
        minor = ".".join(folder[1:].split(".")[:2])
        definitions = json.loads((root / folder / "_definitions.json").read_text())
        served: dict[str, set[str]] = {}
        for schema in (definitions.get("$defs") or {}).values():
            for gvk in schema.get("x-kubernetes-group-version-kind") or ():
                group, version, kind = gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")
                if kind in NOT_RESOURCES or kind.endswith("List"):
                    continue
                served.setdefault(f"{group}/{version}" if group else version, set()).add(kind)
        table[minor] = {gv: sorted(kinds) for gv, kinds in sorted(served.items())}
    out = Path(__file__).resolve().parent.parent / "bot" / "data" / "api-versions.json"
    out.write_text(json.dumps(table, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{out}: {len(table)} versions")


if __name__ == "__main__":
    main()

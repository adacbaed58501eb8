"""Property test: random YAML and manifests go through loading and every rule without an exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.manifests import ManifestError, parse_manifest
from checks._k8s import Release
from checks._registry import CheckContext, all_rules

KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "Ingress", "NetworkPolicy",
         "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "HorizontalPodAutoscaler", "PodDisruptionBudget",
         "ConfigMap", "Secret", "ServiceAccount", "ServiceMonitor", "CustomThing"]
KEYS = ["spec", "template", "containers", "initContainers", "securityContext", "metadata", "labels", "annotations",
        "name", "image", "ports", "resources", "rules", "subjects", "roleRef", "selector", "matchLabels", "volumes",
        "hostPath", "env", "value", "replicas", "scaleTargetRef", "jobTemplate", "capabilities", "add", "drop"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.text(max_size=12), st.sampled_from(["ALL", "latest", "*", "0"]))
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)),
    max_leaves=30,
)
objects = st.fixed_dictionaries(
    {"apiVersion": st.sampled_from(["v1", "apps/v1", "batch/v1", "extensions/v1beta1", "rbac.authorization.k8s.io/v1", 3]),
     "kind": st.sampled_from(KINDS)},
    optional={"metadata": values, "spec": values, "rules": values, "subjects": values, "roleRef": values, "data": values},
)
RULES = all_rules()
CTX = CheckContext()


def _run_all(docs):
    release = Release(docs)
    for rule in RULES.values():
        if rule.scope == "object":
            for obj in docs:
                if rule.kinds is None or obj.kind in rule.kinds:
                    list(rule.func(obj, CTX) or ())
        elif rule.scope == "release":
            list(rule.func(release, CTX) or ())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(objects, min_size=1, max_size=4))
def test_random_manifests_never_crash_a_rule(docs):
    text = yaml.safe_dump_all(docs)
    _run_all(parse_manifest(text, "random.yaml"))


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_random_text_loads_or_fails_cleanly(text):
    try:
        parsed = parse_manifest(text, "random.yaml")
    except ManifestError as exc:
        assert exc.source == "random.yaml"
        return
    _run_all(parsed)

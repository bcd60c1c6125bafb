"""Generate a synthetic GIE manifest stream of N pool stacks, modelled on examples/ (deterministic, linear).

Each stack is the reference system of examples/ under its own names: an InferencePool
(inference.networking.k8s.io/v1), its Endpoint Picker (Deployment, Service, ServiceAccount, Role,
RoleBinding, metrics-auth ClusterRole + ClusterRoleBinding, plugins ConfigMap with an
EndpointPickerConfig), an InferenceObjective, a 3-replica llm-d inference simulator Deployment the pool
selects, and an HTTPRoute to the pool. Stacks are grouped `--per-gateway` to a namespace (default 10),
and each namespace has one Gateway the routes attach to (`--per-gateway 1`: one namespace and Gateway per
stack; `0`: every stack in one namespace, told apart by name only). That is 12 objects per stack plus a
Gateway per group: 160 stacks ≈ 2k objects, 1600 ≈ 20k.

The stream lints with 0 findings (`gie-lint check --gie-version v1.5.0 FILE`). Generation writes each
document once from a template, so time and memory are linear in N.

    python bench/generate.py --stacks 160 --out /tmp/gie-2k.yaml     # one multi-document stream
    python bench/generate.py --stacks 160 --split /tmp/gie-2k/       # one file per stack (+ Gateways)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

EPP_IMAGE = "registry.k8s.io/gateway-api-inference-extension/epp:v1.5.0"
SIM_IMAGE = "ghcr.io/llm-d/llm-d-inference-sim:v0.6.1"
OBJECTS_PER_STACK = 12  # plus one Gateway per group

GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: {gateway}
  namespace: {ns}
spec:
  gatewayClassName: agentgateway
  listeners:
  - name: http
    protocol: HTTP
    port: 80
    allowedRoutes:
      namespaces:
        from: Same
"""

MODEL_SERVER = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {pool}
  namespace: {ns}
  labels:
    app: {pool}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: {pool}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: {pool}
        inference.networking.k8s.io/engine-type: vllm
    spec:
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: 130
      securityContext:
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: sim
        image: {sim_image}
        imagePullPolicy: IfNotPresent
        args:
        - --model=Qwen/Qwen3-8B
        - --port=8000
        - --served-model-name={model}
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        ports:
        - name: http
          containerPort: 8000
          protocol: TCP
        readinessProbe:
          httpGet:
            path: /health
            port: 8000
          periodSeconds: 5
          timeoutSeconds: 2
          failureThreshold: 2
        livenessProbe:
          httpGet:
            path: /health
            port: 8000
          periodSeconds: 10
          timeoutSeconds: 2
          failureThreshold: 5
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 512Mi
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
"""

RBAC = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {epp}
  namespace: {ns}
  labels:
    app: {epp}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {epp}
  namespace: {ns}
  labels:
    app: {epp}
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["inference.networking.k8s.io"]
  resources: ["inferencepools"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["inference.networking.x-k8s.io"]
  resources: ["inferenceobjectives", "inferencemodelrewrites"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {epp}
  namespace: {ns}
  labels:
    app: {epp}
subjects:
- kind: ServiceAccount
  name: {epp}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {epp}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: {ns}-{epp}-metrics-auth
  labels:
    app: {epp}
rules:
- apiGroups: ["authentication.k8s.io"]
  resources: ["tokenreviews"]
  verbs: ["create"]
- apiGroups: ["authorization.k8s.io"]
  resources: ["subjectaccessreviews"]
  verbs: ["create"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: {ns}-{epp}-metrics-auth
  labels:
    app: {epp}
subjects:
- kind: ServiceAccount
  name: {epp}
  namespace: {ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: {ns}-{epp}-metrics-auth
"""

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {epp}-config
  namespace: {ns}
  labels:
    app: {epp}
data:
  default-plugins.yaml: |
    apiVersion: inference.networking.x-k8s.io/v1alpha1
    kind: EndpointPickerConfig
    plugins:
    - type: queue-scorer
    - type: kv-cache-utilization-scorer
    - type: prefix-cache-scorer
    - type: max-score-picker
    - type: single-profile-handler
    schedulingProfiles:
    - name: default
      plugins:
      - pluginRef: prefix-cache-scorer
        weight: 3
      - pluginRef: queue-scorer
        weight: 2
      - pluginRef: kv-cache-utilization-scorer
        weight: 2
      - pluginRef: max-score-picker
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {epp}
  namespace: {ns}
  labels:
    app: {epp}
spec:
  type: ClusterIP
  selector:
    app: {epp}
  ports:
  - name: grpc-ext-proc
    protocol: TCP
    port: 9002
    targetPort: 9002
    appProtocol: http2
  - name: http-metrics
    protocol: TCP
    port: 9090
    targetPort: 9090
"""

EPP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {epp}
  namespace: {ns}
  labels:
    app: {epp}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {epp}
  template:
    metadata:
      labels:
        app: {epp}
    spec:
      serviceAccountName: {epp}
      terminationGracePeriodSeconds: 130
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        runAsGroup: 65532
        seccompProfile:
          type: RuntimeDefault
      containers:
      - name: epp
        image: {epp_image}
        imagePullPolicy: IfNotPresent
        args:
        - --pool-name={pool}
        - --config-file=/config/default-plugins.yaml
        - --grpc-port=9002
        - --grpc-health-port=9003
        - --metrics-port=9090
        - --v=1
        env:
        - name: NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        ports:
        - name: grpc
          containerPort: 9002
          protocol: TCP
        - name: grpc-health
          containerPort: 9003
          protocol: TCP
        - name: metrics
          containerPort: 9090
          protocol: TCP
        livenessProbe:
          grpc:
            port: 9003
            service: inference-extension
          initialDelaySeconds: 5
          periodSeconds: 10
          failureThreshold: 3
        readinessProbe:
          grpc:
            port: 9003
            service: inference-extension
          initialDelaySeconds: 5
          periodSeconds: 2
          failureThreshold: 3
        resources:
          requests:
            cpu: "2"
            memory: 2Gi
          limits:
            memory: 8Gi
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
        volumeMounts:
        - name: plugins-config
          mountPath: /config
          readOnly: true
      volumes:
      - name: plugins-config
        configMap:
          name: {epp}-config
"""

POOL = """\
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: {pool}
  namespace: {ns}
spec:
  selector:
    matchLabels:
      app: {pool}
  targetPorts:
  - number: 8000
  endpointPickerRef:
    name: {epp}
    port:
      number: 9002
"""

OBJECTIVE = """\
apiVersion: inference.networking.x-k8s.io/v1alpha2
kind: InferenceObjective
metadata:
  name: {pool}-default
  namespace: {ns}
spec:
  priority: 0
  poolRef:
    name: {pool}
"""

ROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {pool}
  namespace: {ns}
spec:
  parentRefs:
  - group: gateway.networking.k8s.io
    kind: Gateway
    name: {gateway}
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /
    backendRefs:
    - group: inference.networking.k8s.io
      kind: InferencePool
      name: {pool}
    timeouts:
      request: 120s
"""

STACK = "---\n".join((MODEL_SERVER, RBAC, CONFIGMAP, SERVICE, EPP, POOL, OBJECTIVE, ROUTE))


def _names(index: int, per_gateway: int) -> dict[str, str]:
    group = index // per_gateway
    pool = f"sim-{index:05d}"
    return {"ns": f"bench-{group:04d}", "gateway": f"gateway-{group:04d}", "pool": pool, "epp": f"{pool}-epp",
            "model": f"model-{index:05d}", "epp_image": EPP_IMAGE, "sim_image": SIM_IMAGE}


def documents(stacks: int, per_gateway: int) -> Iterator[tuple[str, str]]:
    """(file stem, YAML text) per stack, and per group its Gateway before the group's first stack."""
    per_gateway = group_size(stacks, per_gateway)
    for index in range(stacks):
        names = _names(index, per_gateway)
        if index % per_gateway == 0:
            yield f"{names['ns']}-gateway", GATEWAY.format_map(names)
        yield f"{names['ns']}-{names['pool']}", STACK.format_map(names)


def write_single(stacks: int, per_gateway: int, folder: Path, kind: str = "Deployment") -> list[Path]:
    """Only the objects of `kind` (the EPP and the model server per stack), one document per file: the input a
    one-schema validator such as check-jsonschema takes."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, text in documents(stacks, per_gateway):
        for number, document in enumerate(text.split("---\n")):
            if f"\nkind: {kind}\n" in f"\n{document}":
                path = folder / f"{stem}-{number}.yaml"
                path.write_text(document)
                written.append(path)
    return written


def group_size(stacks: int, per_gateway: int) -> int:
    """Stacks per namespace and Gateway (`per_gateway` 0: all of them)."""
    return per_gateway if per_gateway > 0 else max(1, stacks)


def object_count(stacks: int, per_gateway: int) -> int:
    return stacks * OBJECTS_PER_STACK + -(-stacks // group_size(stacks, per_gateway))


def write_stream(stacks: int, per_gateway: int, out: TextIO) -> None:
    first = True
    for _, text in documents(stacks, per_gateway):
        if not first:
            out.write("---\n")
        out.write(text)
        first = False


def write_split(stacks: int, per_gateway: int, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, text in documents(stacks, per_gateway):
        path = folder / f"{stem}.yaml"
        path.write_text(text)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stacks", type=int, required=True, help="number of pool stacks")
    parser.add_argument("--per-gateway", type=int, default=10,
                        help="stacks per namespace and Gateway (default 10; 1: one per stack; 0: one for all)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", help="one multi-document YAML stream ('-' for stdout)")
    target.add_argument("--split", type=Path, help="a folder: one file per stack, one per Gateway")
    args = parser.parse_args(argv)
    if args.stacks < 0 or args.per_gateway < 0:
        parser.error("--stacks and --per-gateway must be >= 0")
    if args.split is not None:
        write_split(args.stacks, args.per_gateway, args.split)
    elif args.out == "-":
        write_stream(args.stacks, args.per_gateway, sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8") as out:
            write_stream(args.stacks, args.per_gateway, out)
    print(f"{args.stacks} stacks, {object_count(args.stacks, args.per_gateway)} objects", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

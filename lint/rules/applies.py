"""Which releases each group of rules applies to, as the rule docs and SARIF metadata say it (`applies=`)."""

APPLIES_EPP = (
    "every release of GIE, llm-d-router and lwepp: each EPP by the release its image names")
APPLIES_CONFIG = (
    "GIE v0.5.1+ and every llm-d-router release (llm-d.ai/v1alpha1 configs from v0.9.0), each config by the "
    "release of the EPP that loads it; lwepp reads no config")
APPLIES_RBAC050 = (
    "GIE, llm-d-router (from v0.9.0 objectives in llm-d.ai, falling back to inference.networking.x-k8s.io) "
    "and lwepp (pods and pools only), each EPP by its own release")
APPLIES_RBAC051 = (
    "GIE and llm-d-router EPPs with metrics auth on; not lwepp, whose /metrics needs no auth")
APPLIES_LE = (
    "the releases with --ha-enable-leader-election: GIE v1.0.0+ and every llm-d-router release")
APPLIES_POOL = (
    "the GIE API in force (for an llm-d-router EPP, the GIE CRDs its release ships)")
APPLIES_OBJ = (
    "GIE objectives (x-k8s) and llm-d-router's llm-d.ai/v1alpha2 objectives (v0.9.0+)")

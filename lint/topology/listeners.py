"""Which listeners of a linted Gateway a route's parentRef attaches it to, resolved as a Gateway does.

GIE072 reports a parentRef that attaches to no listener; the pool stacks and `gie-lint explain`'s request
graph draw only the attachments found here, so the rule and the graph cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from gie_lint.topology.routing import GATEWAY_GROUP, Gateway, Listener, ParentRef, Routing, admits_kind


@dataclass(frozen=True)
class Attachment:
    """Where one parentRef attaches its route: the listeners of a linted Gateway that take it, or why none does.

    A listener that may take the route (a non-standard protocol, a namespace selector whose namespace is not
    linted) counts as taking it: only a certain mismatch is a problem.
    """

    ref: ParentRef
    gateway: Gateway | None  # None: no Gateway of that name among the linted files
    listeners: tuple[Listener, ...]
    problem: str | None  # set when `gateway` is linted and no listener takes the route


def admits_namespace(listener: Listener, gateway_ns: str, route_ns: str, view: Routing) -> bool | None:
    if listener.allowed_from == "All":
        return True
    if listener.allowed_from == "Same":
        return gateway_ns == route_ns
    labels = view.namespace_labels.get(route_ns)
    if listener.allowed_from != "Selector" or listener.selector is None or labels is None:
        return None  # unknown namespace labels or selector form: cannot tell
    return all(labels.get(k) == v for k, v in listener.selector.items())


def attach(ref: ParentRef, view: Routing) -> Attachment:
    """Resolve a parentRef as a Gateway does: sectionName, then port, then the route's kind and namespace."""
    gateway = view.gateway(ref.namespace, ref.name) if ref.group == GATEWAY_GROUP and ref.kind == "Gateway" else None
    if gateway is None or not gateway.listeners:
        return Attachment(ref, gateway, (), None)  # not among the linted files (or not a Gateway): not judged
    named = ", ".join(f"{listener.name}:{listener.port}" for listener in gateway.listeners)
    listeners = list(gateway.listeners)
    problem = None
    if ref.section is not None:
        listeners = [listener for listener in listeners if listener.name == ref.section]
        if not listeners:
            problem = f"Gateway {ref.namespace}/{ref.name} has no listener named `{ref.section}` (listeners: {named})"
    if ref.port is not None and problem is None:
        listeners = [listener for listener in listeners if listener.port == ref.port]
        if not listeners:
            problem = f"no listener of Gateway {ref.namespace}/{ref.name} has port {ref.port} (listeners: {named})"
    kind = ref.route.kind
    listeners = [listener for listener in listeners if admits_kind(listener, kind) is not False]
    if not listeners and problem is None:
        problem = f"no listener of Gateway {ref.namespace}/{ref.name} admits {kind}s (check `protocol` and " \
                  "`allowedRoutes.kinds`)"
    admitting = [listener for listener in listeners
                 if admits_namespace(listener, ref.namespace, ref.route.namespace, view) is not False]
    if listeners and not admitting:
        froms = sorted({listener.allowed_from for listener in listeners})
        problem = f"Gateway {ref.namespace}/{ref.name} admits routes from namespace {ref.route.namespace} on no " \
                  f"listener (`allowedRoutes.namespaces.from: {'/'.join(froms)}`); allow it (e.g. `from: All`) " \
                  "or create the route in the Gateway's namespace"
    return Attachment(ref, gateway, tuple(admitting) if problem is None else (), problem)

"""Which EPP build a container image names: the release line (GIE, llm-d-router, lwepp) and its release.

Every line's data names the image repositories of its EPP (`line.epp_image`, with a `tag` group) and those of
its images that are not an EPP (the P/D disaggregation sidecar, a coordinator). An image is identified by its
repository path and tag, so registry mirrors and renamed hosts are recognised; a digest-only image, a
placeholder tag (`${EPP_TAG}`) or an unknown repository leaves the build unknown, and the rules that depend on
release facts then say nothing they could not defend for every release.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from gie_lint.releases import catalog
from gie_lint.releases.versions import Choice, Release, ReleaseLine, VersionError, line, parse

# Tags that name no release but the line's development head.
_HEAD_TAGS = frozenset({"main", "latest", "nightly", "dev"})
_COMMIT = re.compile(r"^(?:sha-)?[0-9a-f]{7,40}$")
_PLACEHOLDER = re.compile(r"\$\{?[A-Za-z_]|\{\{")


@dataclass(frozen=True)
class Build:
    """The build an EPP image runs: `release` None when the line is known but not the release (or neither)."""

    line: ReleaseLine | None
    release: Release | None
    reason: str

    @property
    def known(self) -> bool:
        return self.release is not None


def lines() -> tuple[ReleaseLine, ...]:
    return tuple(line(project) for project in catalog.LINES)


def _tagged(image: str) -> tuple[ReleaseLine, str | None] | None:
    """The line whose EPP repository the image names, with the tag as written (None: digest only / untagged)."""
    for candidate in lines():
        match = candidate.epp_image.search(image)
        if match:
            return candidate, match.group("tag")
    return None


def is_epp_image(image: str) -> bool:
    return _tagged(image) is not None and not is_other_image(image)


def is_other_image(image: str) -> bool:
    """An image of a known line that is not an EPP (e.g. the llm-d P/D sidecar in a model-server pod)."""
    return any(pattern.search(image) for candidate in lines() for pattern in candidate.other_images)


def is_disagg_sidecar(image: str) -> bool:
    """The P/D disaggregation sidecar: its pod is a model server (decode), not an EPP."""
    return any(pattern.search(image) for candidate in lines() for pattern in candidate.disagg_images)


def binary_role(command: str) -> str | None:
    """`epp` when `command` is an EPP entrypoint of a known line, the role of another known binary, else None."""
    for candidate in lines():
        if command in candidate.epp_binaries:
            return "epp"
        if command in candidate.other_binaries:
            return candidate.other_binaries[command]
    return None


def build_of(image: str, forced: Mapping[str, Release] | None = None) -> Build:
    """The build `image` runs; `forced` maps a project to the release the user asked to judge it at."""
    found = _tagged(image)
    if found is None:
        return Build(None, None, f"`{image}` is no EPP image gie-lint knows")
    project_line, tag = found
    if forced and project_line.project in forced:
        said = tag or "not written"
        return Build(project_line, forced[project_line.project], f"as requested; the image tag is {said}")
    if tag is None or _PLACEHOLDER.search(tag):
        return Build(project_line, None, f"the {project_line.short} image tag is not written out (`{image}`)")
    if tag in _HEAD_TAGS or _COMMIT.match(tag):
        head = project_line.newest()
        return Build(project_line, head, f"image tag {tag}: a development build, judged as the newest "
                                         f"{project_line.short} release {head.tag}")
    try:
        wanted = parse(tag)
    except VersionError:
        return Build(project_line, None, f"the image tag `{tag}` names no {project_line.short} release")
    oldest = project_line.release(project_line.tags[0])
    if wanted < oldest.key and project_line.project != catalog.LINES[0]:
        return Build(project_line, None, f"image tag {tag} predates the {project_line.short} releases gie-lint "
                                         f"knows ({oldest.tag} on)")
    if wanted < oldest.key:
        return Build(project_line, oldest, f"image tag {tag} predates the oldest supported {project_line.short} "
                                           f"release; judged as {oldest.tag}")
    chosen = project_line.release(tag)
    exact = chosen.key == wanted
    return Build(project_line, chosen, f"image tag {tag}" + ("" if exact else f", judged as {chosen.tag}"))


def gie_api_of(release: Release) -> Release | None:
    """The GIE release whose API (CRDs: InferencePool, objectives) a release of another line serves."""
    if release.line.project == catalog.LINES[0]:
        return release
    tag = release.facts.get("crds", {}).get(catalog.LINES[0])
    return line().release(tag) if isinstance(tag, str) else None


def choose(requested: str | None, requested_from: str, images: Iterable[tuple[str, Callable[[], str]]]) -> Choice:
    """The GIE release that judges pools, objectives and routes: `--gie-version` (or config) wins; else the GIE
    API of the first EPP image with a readable release (a GIE EPP's own tag; for llm-d-router or lwepp, the GIE
    CRDs that release ships); else the newest GIE release, said so. `images` pairs each image with where it is
    written, asked only of the image that decides (a position costs a document's second parse)."""
    gie = line()
    if requested:
        chosen = gie.release(requested, requested=True)
        note = "" if chosen.tag == _normal(requested) else f", judged as {chosen.tag}"
        return Choice(chosen, f"{requested_from} {requested}{note}")
    for image, locate in images:
        if not is_epp_image(image):
            continue
        build = build_of(image)
        if build.release is None:
            continue  # `${TAG}`, a digest: says nothing about the release
        api = gie_api_of(build.release)
        if api is None:
            continue
        if build.release.line.project == gie.project:
            return Choice(api, _gie_reason(image, build, locate()))
        return Choice(api, f"the {api.label} API that {build.release.label} serves (EPP {build.reason}, {locate()})")
    latest = gie.newest()
    return Choice(latest, "newest supported release (no --gie-version and no versioned EPP image)", defaulted=True)


def _normal(tag: str) -> str:
    major, minor, patch = parse(tag)
    return f"v{major}.{minor}.{patch}"


def _gie_reason(image: str, build: Build, where: str) -> str:
    tag = (_tagged(image) or (None, None))[1] or ""
    assert build.release is not None
    if build.reason.startswith("image tag") and "predates" in build.reason:
        return f"EPP image tag {tag} ({where}) predates the oldest supported release; judged as {build.release.tag}"
    if tag in _HEAD_TAGS or _COMMIT.match(tag):
        return f"the EPP {build.reason} ({where})"
    note = "" if build.release.tag == _normal(tag) else f", judged as {build.release.tag}"
    return f"inferred from the EPP image tag {tag} ({where}){note}"


def forced(gie: Release | None, llm_d_router: str | None) -> dict[str, Release]:
    """The releases the user asked to judge EPPs at, by project (`--gie-version`, `--llm-d-router-version`)."""
    chosen = {gie.line.project: gie} if gie is not None else {}
    if llm_d_router:
        router = line("llm-d-router")
        chosen[router.project] = router.newest() if llm_d_router in _HEAD_TAGS else router.release(
            llm_d_router, requested=True)
    return chosen

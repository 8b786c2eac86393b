"""The sim cluster's registry: which images a pod can pull, as the kwok stages decide it (jq and a Go template)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: sim_registry
short_description: The sim registry's verdict on a pod's images, as a jq program and a Go template for KWOK stages
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Image references are normalized as a registry does (the grammar of the distribution project's reference package),
    C(docker.io/) implied without a registry host, C(library/) for an official image, C(:latest) without a tag or a
    digest, C(index.docker.io) the same as C(docker.io); a reference with a digest is pulled by its digest.
  - An image pulls when its repository is in the catalog with that tag (or a digest the catalog pins to one of its
    tags), or it is one of the class registry's images in a student's repository and the pod pulls with the
    registry's Secret. A tag the catalog's repository does not have stalls; a reference that does not parse is an
    C(InvalidImageName); a repository outside the catalog pulls or stalls as O(unknown) says, since the sim cannot
    know whether it exists.
  - Returns C(verdict), a jq program for a stage selector giving C(pull), C(pull-unknown) (pulls, one of its
    repositories is outside the catalog) or C(stall) for a pod; C(setup), Go template actions that define the
    catalog and C($login) for a pod; and C(state), Go template actions that set C($reason) and C($message) for a
    container (the dot), ContainerCreating or why it does not pull.
options:
  _input:
    description: The catalog, repository (a reference without tag) to its tags, each C(tag) or C(tag@<digest>).
    type: dict
    required: true
  server:
    description: The host name of the class's own registry.
    type: str
    required: true
  prefix:
    description: The class registry's repositories, C(<server>/kubelab-<class>/), each student's under it.
    type: str
    required: true
  own_images:
    description: The class registry's images (C(name:tag)), in every student's repository.
    type: list
    elements: str
    required: true
  pull_secret:
    description: The Secret a pod must pull the class registry's images with.
    type: str
    required: true
  unknown:
    description: What a repository outside the catalog does.
    type: str
    choices: [pull, stall]
    required: true
"""

EXAMPLES = r"""
- name: A stage's selector
  ansible.builtin.set_fact:
    registry: >-
      {{ sim_registry_catalog | kubelab.lab.sim_registry(server='registry.kubelab.test',
         prefix='registry.kubelab.test/kubelab-fall/', own_images=['webserver:1.0'], pull_secret='registry-pull',
         unknown='pull') }}
"""

RETURN = r"""
_value:
  description: C(verdict) (jq), C(setup) and C(state) (Go template actions), and C(catalog), the normalized catalog.
  type: dict
"""

import json
import re
from dataclasses import dataclass
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

# distribution/reference's grammar, anchored: (domain)/ (path) :(tag) @(digest). One pattern for Python, gojq and
# Go templates (all RE2-compatible), so the three read a reference alike.
COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
DOMAIN = r"localhost(?::[0-9]+)?|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+(?::[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+"
REFERENCE = (rf"^(?:({DOMAIN})/)?({COMPONENT}(?:/{COMPONENT})*)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}))?"
             r"(?:@([a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}))?$")
DOCKER_HUB = "docker.io"


@dataclass(frozen=True)
class Reference:
    repository: str
    tag: str | None
    digest: str | None


def normalize(image: str) -> Reference:
    """``image`` as a registry reads it; ValueError when it does not parse."""
    found = re.match(REFERENCE, image)
    if found is None:
        raise ValueError(f"{image!r} is not an image reference (invalid reference format)")
    domain, path, tag, digest = found.groups()
    domain = DOCKER_HUB if domain in (None, "index.docker.io") else domain
    if domain == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return Reference(f"{domain}/{path}", tag if tag or digest else "latest", digest)


def catalog_of(repositories: dict[str, list[str]]) -> dict[str, dict[str, list[str]]]:
    """The catalog with every repository normalized: its tags, and the digests it pins to them."""
    catalog: dict[str, dict[str, list[str]]] = {}
    for name, tags in repositories.items():
        try:
            repo = normalize(name)
            pinned = [normalize(f"{repo.repository}:{tag}") for tag in tags or []]
        except ValueError as err:
            raise AnsibleFilterError(f"sim registry catalog, repository {name!r}: {err}") from err
        if repo.digest or name.rsplit("/", 1)[-1].count(":"):
            raise AnsibleFilterError(f"sim registry catalog: {name!r} is a repository with a tag; list its tags")
        entry = catalog.setdefault(repo.repository, {"tags": [], "digests": []})
        entry["tags"] += [r.tag for r in pinned if r.tag and r.tag not in entry["tags"]]
        entry["digests"] += [r.digest for r in pinned if r.digest and r.digest not in entry["digests"]]
    return catalog


def jq_verdict(catalog: dict[str, Any], prefix: str, own_images: list[str], pull_secret: str, unknown: str) -> str:
    """A jq program, for a pod: pull, pull-unknown or stall."""
    def lit(value: Any) -> str:
        return json.dumps(value, sort_keys=True)

    return (
        f"{lit(catalog)} as $catalog | {lit(REFERENCE)} as $re"
        f" | ([(.spec.imagePullSecrets // [])[] | .name] | any(. == {lit(pull_secret)})) as $login"
        " | [(.spec.initContainers // [])[], .spec.containers[] | .image"
        " | if test($re) | not then \"stall\" else"
        " (match($re).captures | map(.string)) as [$domain, $path, $tag, $digest]"
        f" | (if $domain == null or $domain == \"index.docker.io\" then {lit(DOCKER_HUB)} else $domain end) as $domain"
        f" | (if $domain == {lit(DOCKER_HUB)} and ($path | contains(\"/\") | not) then \"library/\" + $path"
        " else $path end) as $path"
        " | ($domain + \"/\" + $path) as $repo | ($tag // (if $digest then null else \"latest\" end)) as $tag"
        f" | if ($repo | startswith({lit(prefix)})) then"
        f" (if $login and ($repo | ltrimstr({lit(prefix)}) | split(\"/\") | length == 2 and"
        f" ((.[1] + \":\" + ($tag // \"\")) as $i | {lit(own_images)} | any(. == $i))) then \"pull\" else \"stall\" end)"
        " elif $catalog[$repo] == null then \"unknown\""
        " elif $digest then (if $catalog[$repo].digests | any(. == $digest) then \"pull\" else \"unknown\" end)"
        " elif $catalog[$repo].tags | any(. == $tag) then \"pull\" else \"stall\" end end]"
        " | if any(. == \"stall\") then \"stall\""
        f" elif any(. == \"unknown\") then {lit('pull-unknown' if unknown == 'pull' else 'stall')} else \"pull\" end"
    )


def gotpl_setup(catalog: dict[str, Any], pull_secret: str) -> str:
    """Go template actions, for a pod: the catalog and whether the pod pulls with the class registry's Secret."""
    return (
        f"{{{{- $catalog := fromJson `{json.dumps(catalog, sort_keys=True)}` -}}}}{{{{- $login := false -}}}}"
        f"{{{{- range .spec.imagePullSecrets -}}}}{{{{- if eq .name {json.dumps(pull_secret)} -}}}}"
        "{{- $login = true -}}{{- end -}}{{- end -}}"
    )


def gotpl_state(server: str, prefix: str, own_images: list[str], pull_secret: str, unknown: str) -> str:
    """Go template actions, for a container (the dot) of a pod: $reason and $message, as the kubelet would say."""
    re_ = f"`{REFERENCE}`"
    own = " ".join(json.dumps(i) for i in own_images)
    stall_unknown = "" if unknown == "pull" else (
        '{{- $reason = "ImagePullBackOff" -}}{{- $message = printf "Back-off pulling image %q: the sim cannot know'
        ' whether %s exists: it is not in the sim registry\'s catalog (sim_registry_unknown: stall)" $image $what -}}')
    return (
        '{{- $image := .image -}}{{- $reason := "ContainerCreating" -}}{{- $message := "" -}}'
        f"{{{{- if not (regexMatch {re_} $image) -}}}}"
        '{{- $reason = "InvalidImageName" -}}{{- $message = printf "Failed to apply default image tag %q:'
        ' couldn\'t parse image name %q: invalid reference format" $image $image -}}'
        "{{- else -}}"
        f'{{{{- $domain := regexReplaceAll {re_} $image "${{1}}" | default {json.dumps(DOCKER_HUB)} -}}}}'
        f'{{{{- if eq $domain "index.docker.io" -}}}}{{{{- $domain = {json.dumps(DOCKER_HUB)} -}}}}{{{{- end -}}}}'
        f'{{{{- $path := regexReplaceAll {re_} $image "${{2}}" -}}}}'
        f'{{{{- if and (eq $domain {json.dumps(DOCKER_HUB)}) (not (contains "/" $path)) -}}}}'
        '{{- $path = print "library/" $path -}}{{- end -}}'
        f'{{{{- $tag := regexReplaceAll {re_} $image "${{3}}" -}}}}'
        f'{{{{- $digest := regexReplaceAll {re_} $image "${{4}}" -}}}}'
        '{{- if and (not $tag) (not $digest) -}}{{- $tag = "latest" -}}{{- end -}}'
        '{{- $repo := print $domain "/" $path -}}'
        f"{{{{- if hasPrefix {json.dumps(prefix)} $repo -}}}}"
        f'{{{{- $own := splitList "/" (trimPrefix {json.dumps(prefix)} $repo) -}}}}'
        f"{{{{- if not (and (eq (len $own) 2) (has (print (last $own) \":\" $tag) (list {own}))) -}}}}"
        '{{- $reason = "ImagePullBackOff" -}}{{- $message = printf "Back-off pulling image %q: the class\'s registry'
        f' {server} has no such image; a student\'s are %s<student>/<name>:<tag>" $image {json.dumps(prefix)} -}}}}'
        "{{- else if not $login -}}"
        '{{- $reason = "ImagePullBackOff" -}}{{- $message = printf "Back-off pulling image %q: the class\'s registry'
        f' asks for a login; the pod pulls without the Secret %s" $image {json.dumps(pull_secret)} -}}}}'
        "{{- end -}}"
        "{{- else if not (hasKey $catalog $repo) -}}"
        '{{- $what := print "repository " $repo -}}' + stall_unknown +
        "{{- else if $digest -}}"
        '{{- if not (has $digest (get (get $catalog $repo) "digests")) -}}'
        f'{{{{- $what := print "digest " $digest " of " $repo -}}}}{stall_unknown}{{{{- end -}}}}'
        '{{- else if not (has $tag (get (get $catalog $repo) "tags")) -}}'
        '{{- $reason = "ImagePullBackOff" -}}{{- $message = printf "Back-off pulling image %q: repository %s has no'
        ' tag %s (the sim registry\'s catalog has: %s)" $image $repo $tag (join ", " (get (get $catalog $repo)'
        ' "tags")) -}}'
        "{{- end -}}{{- end -}}"
    )


def on_its_line(actions: str) -> str:
    """``actions`` trimming the whitespace between them, not that of the lines around them (YAML's indentation)."""
    return "{{" + actions.removeprefix("{{-").removesuffix("-}}") + "}}"


def sim_registry(repositories: dict[str, list[str]], server: str, prefix: str, own_images: list[str],
                 pull_secret: str, unknown: str) -> dict[str, Any]:
    if unknown not in ("pull", "stall"):
        raise AnsibleFilterError(f"sim_registry_unknown is {unknown!r}: it is pull or stall")
    catalog = catalog_of(repositories)
    return {
        "catalog": catalog,
        "verdict": jq_verdict(catalog, prefix, own_images, pull_secret, unknown),
        "setup": on_its_line(gotpl_setup(catalog, pull_secret)),
        "state": on_its_line(gotpl_state(server, prefix, own_images, pull_secret, unknown)),
    }


class FilterModule:
    def filters(self) -> dict[str, Callable[..., dict[str, Any]]]:
        return {"sim_registry": sim_registry}

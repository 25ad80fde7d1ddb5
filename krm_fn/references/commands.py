"""Command lines and text that name a Deployment: kubectl, the cluster-proportional-autoscaler's
`--target`, and `deployment/NAME` anywhere else.

Pure reading of words: which Deployment a command names, in which namespace it says (None: the
one it runs in), and with which verb. No shell is run; a line that will not split as the shell
would split it is split at spaces.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

TYPES = frozenset(
    {"deployment", "deployments", "deploy", "deployment.apps", "deployments.apps", "deployment.v1.apps", "deployments.v1.apps"}
)
"""How kubectl may name the Deployment resource (it reads them in any case)."""
_TWO_WORD_VERBS = frozenset({"rollout", "set", "create"})
_SEPARATORS = re.compile(r"\|\||&&|[;|\n]")
_KUBECTL = re.compile(r"(?:.*/)?(?:kubectl|oc)")
_NAMESPACE_FLAGS = ("-n", "--namespace")
_FREE = re.compile(r"(?<![\w./-])(?i:deployments?|deploy)(?:\.v1)?(?:\.apps)?/([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?![\w/-])")


@dataclass(frozen=True)
class Named:
    """A Deployment named by the word at `index` of a command (or of a text's words)."""

    index: int
    word: str
    name: str
    namespace: str | None
    verb: str
    """The kubectl command (`rollout restart`, `scale`, ...); `--target` for the autoscaler; "" for free text."""


def split_commands(text: str) -> Iterator[list[str]]:
    """The simple commands of a shell text, as words (split at `;`, `|`, `&&`, `||` and newlines)."""
    for line in _SEPARATORS.split(text):
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            words = line.split()
        if words:
            yield words


def kubectl(words: Sequence[str]) -> Iterator[Named]:
    """The Deployments a kubectl command names: `deploy/NAME` words, or `deployment NAME...`."""
    start = next((i for i, word in enumerate(words) if _KUBECTL.fullmatch(word)), None)
    if start is None:
        return
    namespace: str | None = None
    positional: list[tuple[int, str] | None] = []  # None: a flag, which ends a run of names
    index = start + 1
    while index < len(words):
        word = words[index]
        if word in _NAMESPACE_FLAGS and index + 1 < len(words):
            namespace = words[index + 1]
            index += 1
        elif word.startswith("--namespace="):
            namespace = word.partition("=")[2]
        elif word.startswith("-n") and len(word) > 2:
            namespace = word[2:].removeprefix("=")
        elif word.startswith("-"):
            positional.append(None)
        else:
            positional.append((index, word))
        index += 1
    verbs = [entry[1] for entry in positional[:2] if entry is not None]
    verb = " ".join(verbs[:2] if verbs and verbs[0] in _TWO_WORD_VERBS else verbs[:1])
    names_follow = False  # after a bare resource type (`deployment NAME...`), until a flag or a `TYPE/NAME`
    for entry in positional:
        if entry is None:
            names_follow = False
            continue
        index, word = entry
        kind, slash, name = word.partition("/")
        if slash and kind.lower() in TYPES and name:
            yield Named(index, word, name, namespace, verb)
            names_follow = False
        elif names_follow:
            yield Named(index, word, word, namespace, verb)
            names_follow = not slash
        else:
            names_follow = word.lower() in TYPES


def autoscaler_target(words: Sequence[str]) -> Iterator[Named]:
    """The Deployment a cluster-proportional-autoscaler's `--target` names (its `--namespace`, else its own)."""
    namespace = next((word.partition("=")[2] for word in words if word.startswith("--namespace=")), None)
    for index, word in enumerate(words):
        value = word.partition("=")[2] if word.startswith("--target=") else None
        if word == "--target" and index + 1 < len(words):
            index, value = index + 1, words[index + 1]
        kind, slash, name = (value or "").partition("/")
        if slash and kind.lower() in TYPES and name:
            yield Named(index, value or "", name, namespace, "--target")


def free_text(text: str) -> Iterator[Named]:
    """`deployment/NAME` (or `deploy/`, `deployments/`, `deployment.apps/`) anywhere in a text."""
    for match in _FREE.finditer(text):
        yield Named(match.start(), match.group(0), match.group(1), None, "")
